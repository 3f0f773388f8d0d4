/**
 * 4. Chaos season: game dates living their whole day on the time-skipping server, about one in five with a fault
 * from PLATFORM.md's catalogue (seeded draw), against the in-process platform; beside them the legacy model under
 * the same draw. Per date: predictions before the 2 PM ET deadline, predictions at all, duplicate triggers, whether
 * an operator had to act; per fault kind: time from the fault's first hit to the date's first alert after it.
 */
import { Worker } from '@temporalio/worker';
import { startOptions } from '../../clients/pipeline-client';
import { loadConfig } from '../../config/load';
import type { DayState } from '../../contracts/state';
import { addDays } from '../../domain/dates';
import { dayTimeInstant } from '../../domain/day-times';
import { createTimeSkippingEnv } from '../../test/helpers/tools';
import { WORKFLOWS_PATH } from '../../workers/pipeline-worker';
import { bundleInChild } from './bundle';
import { chaosPlatform, type DateRecord } from './chaos-platform';
import { DayClocks } from './day-clocks';
import { drawFaults, FAULT_KINDS, type FaultKind } from './faults';
import { actionsOfRuns, runHistories, type ActionCounts, type HistoryEvent } from './history';
import { legacyOutcome } from './legacy-model';
import { progress } from './progress';
import { table, type Section } from './report';
import { sum, summarize } from './stats';

export const CHAOS_DATES = 165;
const FIRST_DATE = '2025-10-21';
const SEED = 20251229;
const FAULT_RATE = 0.2;
const CONCURRENCY = 10;

export interface ChaosDate {
  gameDate: string;
  fault?: FaultKind;
  status: string;
  predictionsBeforeDeadline: boolean;
  predictions: boolean;
  duplicateTriggers: number;
  /** The day ended with gaps (COMPLETE_WITH_GAPS): an operator has something to do. */
  needsOperator: boolean;
  /** Steps that ended FAILED or STUCK, whether or not later steps made up for them. */
  failedSteps: number;
  detectionMinutes?: number;
  /** That first alert: its kind and step (from its key). */
  firstAlert?: string;
  /** History events and estimated billable actions of the date's day (every run). */
  events: number;
  actions: number;
  actionsByKind: ActionCounts;
}

export interface ChaosRun {
  dates: ChaosDate[];
  /** Dates whose day did not end within the batch timeout (the test server's time stayed locked). */
  unfinished: string[];
  draw: Map<string, FaultKind>;
  wallMs: number;
}

function outcome(
  gameDate: string,
  state: DayState,
  r: DateRecord | undefined,
  deadlineAt: number,
  histories: HistoryEvent[][],
): ChaosDate {
  const steps = Object.values(state.cycles).flatMap((c) => c.steps);
  const readyAt = state.predictions.readyAt ? Date.parse(state.predictions.readyAt) : Number.POSITIVE_INFINITY;
  const actions = actionsOfRuns(histories);
  const firstAlert = r?.faultAt !== undefined ? r.alerts.find((a) => a.at >= (r.faultAt as number)) : undefined;
  return {
    gameDate,
    fault: r?.fault,
    status: state.status,
    predictionsBeforeDeadline: state.predictions.ready && readyAt <= deadlineAt,
    predictions: state.predictions.ready,
    duplicateTriggers: [...(r?.triggers.values() ?? [])].reduce((sum, keys) => sum + keys.size - 1, 0),
    // A step that failed and was made good later in the day (the next wave) needed nobody.
    needsOperator: state.status !== 'COMPLETE',
    failedSteps: steps.filter((s) => s.status === 'FAILED' || s.status === 'STUCK').length,
    detectionMinutes: firstAlert && r?.faultAt !== undefined ? (firstAlert.at - r.faultAt) / 60_000 : undefined,
    firstAlert: firstAlert?.key.split(':').slice(1).join(' '),
    events: histories.reduce((sum, events) => sum + events.length, 0),
    actions: sum([...actions.kinds.values()]),
    actionsByKind: actions,
  };
}

/** A batch whose days are not over after this long left the test server's time locked: its dates are reported. */
const BATCH_TIMEOUT_MS = 60_000;

/**
 * One batch of dates on its own time-skipping server, started at one server time; results awaited one at a time
 * (the test server skips time for one waiting client call: concurrent ones left it locked). A fresh server per
 * batch, so work a finished day left in flight cannot hold the next batch's clock.
 */
async function runBatch(
  batch: string[],
  draw: Map<string, FaultKind>,
  records: Map<string, DateRecord>,
  bundle: string,
): Promise<ChaosDate[]> {
  const env = await createTimeSkippingEnv();
  const results: ChaosDate[] = [];
  try {
    const config = loadConfig({}, { clock: { realAnchor: new Date(await env.currentTimeMs()).toISOString() } });
    const clocks = new DayClocks(config, 'D-1 16:55');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { codePath: bundle },
      activities: chaosPlatform(config, env.client, clocks, draw, records),
    });
    const days = async () => {
      const now = await env.currentTimeMs();
      const handles = [];
      for (const gameDate of batch) {
        clocks.anchorAt(gameDate, now);
        handles.push(
          await env.client.workflow.start('gameDatePipeline', {
            ...startOptions(config, { gameDate, startedBy: 'bench' }),
          }),
        );
      }
      for (const [k, handle] of handles.entries()) {
        const gameDate = batch[k];
        const state = (await handle.result()) as DayState;
        const deadline = dayTimeInstant(gameDate, config.lifecycle.same_day.predictionsDeadline, config.timeZone);
        const histories = await runHistories(env.client, handle.workflowId);
        results.push(outcome(gameDate, state, records.get(gameDate), deadline, histories));
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, BATCH_TIMEOUT_MS)));
    // After a timeout the batch's pending calls fail as its server stops: they are the unfinished dates.
    const work = days().catch(() => undefined);
    await worker.runUntil(Promise.race([work, timeout]).finally(() => clearTimeout(timer)));
  } finally {
    await env.teardown();
  }
  return results;
}

export async function measureChaos(count: number): Promise<ChaosRun> {
  const dates = Array.from({ length: count }, (_, i) => addDays(FIRST_DATE, i));
  const draw = drawFaults(dates, SEED, FAULT_RATE);
  const records = new Map<string, DateRecord>();
  const bundle = await bundleInChild(WORKFLOWS_PATH, 'pipeline');
  const results: ChaosDate[] = [];
  const unfinished: string[] = [];
  const started = Date.now();
  for (let i = 0; i < dates.length; i += CONCURRENCY) {
    const batch = dates.slice(i, i + CONCURRENCY);
    const done = await runBatch(batch, draw, records, bundle);
    results.push(...done);
    unfinished.push(...batch.filter((d) => !done.some((r) => r.gameDate === d)));
    progress(`chaos: ${results.length + unfinished.length}/${count} dates (${unfinished.length} unfinished)`);
  }
  results.sort((a, b) => a.gameDate.localeCompare(b.gameDate));
  return { dates: results, unfinished, draw, wallMs: Date.now() - started };
}

/** Mean billable actions per date of `dates` by kind, largest first; activities also by type. */
function actionsByKindLine(dates: ChaosDate[]): string {
  const mean = (counts: (d: ChaosDate) => Map<string, number>) => {
    const total = new Map<string, number>();
    for (const d of dates) for (const [k, n] of counts(d)) total.set(k, (total.get(k) ?? 0) + n);
    return [...total.entries()]
      .map(([k, n]) => [k, n / Math.max(1, dates.length)] as const)
      .sort((a, b) => b[1] - a[1]);
  };
  const types = mean((d) => d.actionsByKind.activityTypes)
    .map(([type, n]) => `${type} ${n.toFixed(1)}`)
    .join(', ');
  return mean((d) => d.actionsByKind.kinds)
    .map(([kind, n]) => `${kind} ${n.toFixed(1)}${kind === 'activities' ? ` (${types})` : ''}`)
    .join(', ');
}

const pct = (n: number, of: number) => `${n}/${of} (${((100 * n) / Math.max(1, of)).toFixed(0)}%)`;

export function chaosSection(run: ChaosRun): Section {
  const all = run.dates;
  const n = all.length;
  const faultyTotal = run.draw.size;
  const legacy = all.map((d) => legacyOutcome(d.fault));
  const clean = all.filter((d) => !d.fault);
  const summaryRows = [
    [
      'dates with predictions before 2 PM ET',
      pct(all.filter((d) => d.predictionsBeforeDeadline).length, n),
      pct(legacy.filter((l) => l.predictionsBeforeDeadline).length, n),
    ],
    [
      'dates with predictions',
      pct(all.filter((d) => d.predictions).length, n),
      pct(legacy.filter((l) => l.predictions).length, n),
    ],
    [
      'duplicate triggers',
      String(sum(all.map((d) => d.duplicateTriggers))),
      String(sum(legacy.map((l) => l.duplicateTriggers))),
    ],
    [
      'dates needing an operator',
      `${all.filter((d) => d.needsOperator).length} (${all.filter((d) => d.failedSteps > 0).length} with a step FAILED or STUCK)`,
      String(sum(legacy.map((l) => l.manualInterventions))),
    ],
  ];
  const kinds = Object.keys(FAULT_KINDS) as FaultKind[];
  const kindRows = kinds.map((kind) => {
    const dates = all.filter((d) => d.fault === kind);
    const detected = dates.map((d) => d.detectionMinutes).filter((m): m is number => m !== undefined);
    const legacyOk = dates.filter((d) => legacyOutcome(d.fault).predictions).length;
    return [
      `\`${kind}\``,
      String(dates.length),
      dates.length ? `${dates.filter((d) => d.predictions).length}/${dates.length}` : '-',
      dates.length ? `${detected.length}/${dates.length}` : '-',
      detected.length ? `${summarize(detected).p50.toFixed(0)} min` : '-',
      [...new Set(dates.map((d) => d.firstAlert).filter(Boolean))].slice(0, 2).join(', ') || '-',
      dates.length ? `${legacyOk}/${dates.length}` : '-',
      dates.length ? 'not that day' : '-',
      dates.length ? [...new Set(dates.map((d) => d.status))].join(', ') : '-',
    ];
  });
  const body = [
    `${n} game dates from ${all[0]?.gameDate ?? '-'}, each living its whole day (D-1 16:55 to D+1 09:00) on the`,
    `time-skipping server, ${CONCURRENCY} at a time, in ${(run.wallMs / 1000).toFixed(0)} s of wall time. ${faultyTotal} dates`,
    `drew a fault (seed ${SEED}, rate ${FAULT_RATE}); the platform is in process (the scripted platform of the tests`,
    'with the fault applied to its answers, each failure as the real activities report it). The legacy column is',
    'the pure model of `scripts/bench/legacy-model.ts` (5-of-5 counter, triggers latched on failure, tiers waiting',
    'for a new message, self-heal looking only at tomorrow, hourly scheduler waves) under the same draw.',
    run.unfinished.length
      ? `${run.unfinished.length} dates did not end within ${BATCH_TIMEOUT_MS / 1000} s of their batch (the test server's` +
        ` time stayed locked; left out of the tables): ${run.unfinished
          .map((d) => `${d}${run.draw.get(d) ? ` (${run.draw.get(d)})` : ''}`)
          .join(', ')}.`
      : 'Every date ended its day.',
    '',
    table(['', 'Gameday', 'legacy (model)'], summaryRows),
    '',
    table(
      [
        'fault',
        'dates',
        'Gameday: predictions',
        'alerted',
        'detection p50',
        'first alert',
        'legacy: predictions',
        'legacy: detected',
        'Gameday: day ended',
      ],
      kindRows,
    ),
    '',
    'Faults: ' + kinds.map((k) => `\`${k}\` ${FAULT_KINDS[k]}`).join('; ') + '.',
    `A date without a fault: ${summarize(clean.map((d) => d.events)).p50} history events and` +
      ` ${summarize(clean.map((d) => d.actions)).p50} estimated billable actions (p50 of ${clean.length}, every run of its day).`,
    `Its actions by kind (mean of the ${clean.length}): ${actionsByKindLine(clean)}.`,
    '"Needing an operator": the day ended with gaps (`COMPLETE_WITH_GAPS`). Detection: day time from the',
    "fault's first hit to the date's first alert after it, whatever it is about (shown): a fault absorbed by",
    'retries raises none of its own, so a later unrelated alert can appear there.',
  ].join('\n');
  return { id: 'chaos', title: '4. Chaos season against the legacy rules', body };
}
