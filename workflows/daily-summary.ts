/**
 * The daily summary (08:30 ET by default): per date, games, the day's status and cycle, steps that did not finish
 * well, predictions and operator interventions, sent once per day by email/Slack and the log.
 */
import { log } from '@temporalio/workflow';
import type { DeliveryOutcome } from '../activities';
import { addDays, dateInZone } from '../domain/dates';
import { gameDateInput } from './input';
import type { DayState, OperatorAction } from '../contracts/state';
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
  status?: string;
  cycle?: string;
  /** Steps that ended FAILED, MISSED or degraded, in words. */
  problems: string[];
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
  // Checked where the plain check was (after the settings), so runs stuck on a bad date before replay to a failure.
  const asked = input.dates?.map((d) => gameDateInput(d));
  const summaryDate = dateInZone(scheduledStartTime() ?? Date.now(), policy.timeZone);
  const dates = asked?.length ? asked : summaryDateOffsets.map((o) => addDays(summaryDate, o));
  const summaries: DateSummary[] = [];
  for (const gameDate of dates) {
    const games = await readActivities.countScheduledGames.executeWithOptions(
      { summary: `daily summary: count the games of ${gameDate}` },
      [gameDate],
    );
    const inspection = await opsActivities.inspectPipeline.executeWithOptions(
      { summary: `daily summary: inspect the day of ${gameDate}` },
      [gameDate, {}],
    );
    summaries.push(summarize(gameDate, games, inspection.execution?.status ?? 'none', inspection.state));
  }
  const subject = `[gameday] daily summary ${summaryDate}: ${summaries.map((s) => `${s.gameDate} ${s.status ?? s.workflow}`).join(', ')}`;
  const text = summaries.map(formatDate).join('\n\n');
  const delivery = await opsActivities.sendNotification.executeWithOptions(
    { summary: `daily summary ${summaryDate}: send it` },
    [{ key: `daily-summary:${summaryDate}:${dates.join(',')}`, subject, text }],
  );
  log.info(subject, { delivery });
  return { summaryDate, dates: summaries, subject, text, delivery };
}

export function summarize(gameDate: string, games: number, workflow: string, state?: DayState): DateSummary {
  const steps = state ? Object.values(state.cycles).flatMap((c) => c.steps) : [];
  const problems = steps
    .filter((s) => s.status === 'FAILED' || s.status === 'MISSED' || s.status === 'STUCK' || s.degraded)
    .map(
      (s) =>
        `${s.cycle} ${s.label}: ${s.status}${s.degraded ? ' (degraded)' : ''}${s.outcome ? ` - ${s.outcome}` : ''}`,
    );
  const p = state?.predictions;
  const predictions = !state
    ? games === 0
      ? 'no games'
      : 'unknown (no state)'
    : p?.ready
      ? `ready at ${p.readyAt}${p.completionPct !== undefined ? ` (${p.completionPct}%)` : ''}`
      : 'not ready';
  return {
    gameDate,
    games,
    workflow,
    status: state?.status,
    cycle: state?.cycle,
    problems,
    predictions,
    interventions: state?.operatorActions ?? [],
    alerts: (state?.alerts ?? []).map((a) => `${a.kind}${a.cycle ? ` ${a.cycle}` : ''}: ${a.message}`),
  };
}

function formatDate(s: DateSummary): string {
  const lines = [
    `${s.gameDate}: ${s.games} games; ${s.status ?? '-'}${s.cycle ? ` (cycle ${s.cycle})` : ''} (workflow ${s.workflow})`,
    `  problems: ${s.problems.length ? '' : 'none'}`,
    ...s.problems.map((p) => `    ${p}`),
    `  predictions: ${s.predictions}`,
    `  interventions: ${s.interventions.length ? '' : 'none'}`,
    ...s.interventions.map(
      (a) =>
        `    ${a.at} ${a.user} ${a.action}${a.phase ? ` phase ${a.phase}` : ''}: ${a.reason}${a.outcome ? ` -> ${a.outcome}` : ''}`,
    ),
    `  alerts: ${s.alerts.length ? '' : 'none'}`,
    ...s.alerts.map((a) => `    ${a}`),
  ];
  return lines.join('\n');
}
