/**
 * The daily summary (08:30 ET by default): per date, games, phases, degraded flags, predictions and operator
 * interventions, sent once per day by email/Slack and the log.
 */
import { log } from '@temporalio/workflow';
import type { DeliveryOutcome } from '../activities';
import { addDays, assertGameDate, dateInZone } from '../domain/dates';
import { PHASES, PHASE_NAMES } from '../domain/phases';
import type { OperatorAction, PipelineState } from '../domain/pipeline-state';
import { readActivities } from './activity-proxies';
import { scheduledStartTime } from './scheduled-pipeline';
import { opsActivities, opsSettingsActivity } from './self-heal';

export interface DailySummaryInput {
  /** Dates to summarise (default: today in the platform's zone, shifted by the configured offsets). */
  dates?: string[];
}

export interface DateSummary {
  gameDate: string;
  games: number;
  /** The workflow's execution status, or `none`. */
  workflow: string;
  pipelineStatus?: string;
  phases: { phase: number; name: string; status: string; degraded: boolean }[];
  degradedPhases: number[];
  predictions: string;
  interventions: OperatorAction[];
  alerts: string[];
}

export interface DailySummaryResult {
  summaryDate: string;
  dates: DateSummary[];
  subject: string;
  text: string;
  delivery: DeliveryOutcome;
}

export async function dailySummary(input: DailySummaryInput = {}): Promise<DailySummaryResult> {
  const { policy, summaryDateOffsets } = await opsSettingsActivity.loadOperationsSettings();
  const summaryDate = dateInZone(scheduledStartTime() ?? Date.now(), policy.timeZone);
  const dates = (input.dates?.length ? input.dates : summaryDateOffsets.map((o) => addDays(summaryDate, o))).map((d) =>
    assertGameDate(d),
  );
  const summaries: DateSummary[] = [];
  for (const gameDate of dates) {
    const games = await readActivities.countScheduledGames(gameDate);
    const inspection = await opsActivities.inspectPipeline(gameDate, {});
    summaries.push(summarize(gameDate, games, inspection.execution?.status ?? 'none', inspection.state));
  }
  const subject = `[gameday] daily summary ${summaryDate}: ${summaries.map((s) => `${s.gameDate} ${s.pipelineStatus ?? s.workflow}`).join(', ')}`;
  const text = summaries.map(formatDate).join('\n\n');
  const delivery = await opsActivities.sendNotification({
    key: `daily-summary:${summaryDate}:${dates.join(',')}`,
    subject,
    text,
  });
  log.info(subject, { delivery });
  return { summaryDate, dates: summaries, subject, text, delivery };
}

export function summarize(gameDate: string, games: number, workflow: string, state?: PipelineState): DateSummary {
  const phases = state
    ? PHASES.map((p) => ({
        phase: p,
        name: PHASE_NAMES[p],
        status: state.phases[p].status,
        degraded: Boolean(state.phases[p].degraded),
      }))
    : [];
  const p5 = state?.phases[5];
  const pct = p5?.details?.completionPct;
  const predictions = !state
    ? games === 0
      ? 'no games'
      : 'unknown (no pipeline state)'
    : p5?.status === 'COMPLETE'
      ? `complete${typeof pct === 'number' ? ` (${pct}%)` : ''}${p5.degraded ? ', degraded' : ''}`
      : `not ready (${p5?.status ?? 'PENDING'})`;
  return {
    gameDate,
    games,
    workflow,
    pipelineStatus: state?.status,
    phases,
    degradedPhases: phases.filter((p) => p.degraded).map((p) => p.phase),
    predictions,
    interventions: state?.operatorActions ?? [],
    alerts: (state?.alerts ?? []).map((a) => `${a.kind}${a.phase ? ` phase ${a.phase}` : ''}: ${a.message}`),
  };
}

function formatDate(s: DateSummary): string {
  const lines = [
    `${s.gameDate}: ${s.games} games; pipeline ${s.pipelineStatus ?? '-'} (workflow ${s.workflow})`,
    `  phases: ${s.phases.length ? s.phases.map((p) => `${p.phase} ${p.status}${p.degraded ? '*' : ''}`).join(', ') : '-'}`,
    `  degraded: ${s.degradedPhases.length ? s.degradedPhases.map((p) => `phase ${p}`).join(', ') : 'none'}`,
    `  predictions: ${s.predictions}`,
    `  interventions: ${s.interventions.length ? '' : 'none'}`,
    ...s.interventions.map((a) => `    ${a.at} ${a.user} forced phase ${a.phase}: ${a.reason}`),
    `  alerts: ${s.alerts.length ? '' : 'none'}`,
    ...s.alerts.map((a) => `    ${a}`),
  ];
  return lines.join('\n');
}
