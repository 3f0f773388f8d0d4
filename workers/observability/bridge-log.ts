/**
 * The bridge's lines (plain text from bridge/server.ts) as JSON log lines: the game date and workflow ID they name
 * become fields, and a line about a push Temporal did not take, a rejected push or an error gets its level.
 */
import type { GamedayLogger } from './logger';

const WORKFLOW_ID = /\b[\w.-]*-(\d{4}-\d{2}-\d{2})\b/;
const GAME_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

export function bridgeLogLine(logger: GamedayLogger): (line: string) => void {
  return (line) => {
    const workflowId = / -> (\S+)$/.exec(line)?.[1];
    const gameDate = (workflowId ? WORKFLOW_ID.exec(workflowId)?.[1] : undefined) ?? GAME_DATE.exec(line)?.[0];
    const fields = { ...(gameDate ? { gameDate } : {}), ...(workflowId ? { workflowId } : {}) };
    if (line.startsWith('bridge error')) logger.error(fields, line);
    else if (line.startsWith('Temporal did not take') || line.startsWith('rejected')) logger.warn(fields, line);
    else logger.info(fields, line);
  };
}
