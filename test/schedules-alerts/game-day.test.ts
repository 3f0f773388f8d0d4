/**
 * Self-heal and the daily summary on the time-skipping server, over the days of real dates: yesterday, today and
 * tomorrow of the server's clock; a missing date's workflow started; a troubled step given the configured remedy
 * through forcePhase (retry, then advance); a closed date declined with one alert; a second run that does nothing.
 * Alerts of the dates' workflows go through the real webhook and SMTP channels, once per key.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  alertActivities,
  emailChannel,
  webhookChannel,
  type AlertChannel,
  type AlertRequest,
  type Notification,
} from '../../activities/alerts/alerts';
import { createDeliveryLedger } from '../../activities/alerts/ledger';
import type { PrecomputeRun } from '../../activities';
import type { DayState, StepState } from '../../contracts/state';
import { processorCompletedSignal } from '../../contracts/workflow-api';
import { addDays, dateInZone, zonedTimeToInstant } from '../../domain/dates';
import { dailySummary, selfHeal } from '../../workflows';
import { startSmtpServer, startWebhookReceiver } from '../helpers/alert-receivers';
import { completion } from '../helpers/messages';
import { opsWorker, type OpsWorker } from '../helpers/ops-harness';
import { createTimeSkippingEnv } from '../helpers/tools';
import { eventually } from '../cli/cli-harness';

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
/** Today by the test server's clock (it starts at the real time), in America/New_York. */
let today: string;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  smtp = await startSmtpServer();
  hook = await startWebhookReceiver();
  today = dateInZone(await env.currentTimeMs());
});
beforeEach(() => {
  hook.bodies.length = 0;
  smtp.mails.length = 0;
});
afterAll(async () => {
  await smtp?.close();
  await hook?.close();
  await env?.teardown();
});

const MINUTE = 60_000;
/** Moves the server's clock to a wall-clock time (ET) of a date; the dates' timers fire on the way. */
async function sleepUntil(gameDate: string, hhmm: string): Promise<void> {
  const ms = zonedTimeToInstant(gameDate, hhmm).getTime() - (await env.currentTimeMs());
  if (ms <= 0) throw new Error(`${gameDate} ${hhmm} ET has passed on the test server`);
  await env.sleep(ms);
}

/** The date workflows' alerts, through the real channels (webhook and SMTP) and one ledger, as a worker sends them. */
function realAlerts(raised: AlertRequest[], config: () => OpsWorker['config']) {
  let activities: ReturnType<typeof alertActivities> | undefined;
  return async (alert: AlertRequest) => {
    raised.push(alert);
    activities ??= alertActivities({
      channels: [
        webhookChannel(hook.url),
        emailChannel({ smtpUrl: smtp.url, to: 'oncall@example.com', from: 'gameday@example.com' }),
      ],
      ledger: createDeliveryLedger(),
      config: config(),
    });
    await activities.raiseAlert(alert);
  };
}
const delivered = (kind: string, gameDate: string) =>
  hook.bodies.filter((b) => b.text.startsWith(`*[gameday] ${kind} ${gameDate} `));
const mailed = (kind: string, gameDate: string) =>
  smtp.mails.filter((m) => m.subject.startsWith(`[gameday] ${kind} ${gameDate} `));

const step = (state: DayState, id: string): StepState => {
  const found = Object.values(state.cycles)
    .flatMap((c) => c.steps)
    .find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};

test('self-heal over yesterday, today and tomorrow: starts the missing date, retries a failed phase 4, then does nothing', async () => {
  const yesterday = today;
  const day = addDays(today, 1);
  const tomorrow = addDays(today, 2);
  const raised: AlertRequest[] = [];
  const summaries: Notification[] = [];
  const capture: AlertChannel = { name: 'capture', send: async (n) => void summaries.push(n) };
  let precomputeFailures = 0;
  const ref: { ops?: OpsWorker } = {};
  ref.ops = await opsWorker(env, {
    games: (d) => (d === yesterday ? 0 : 7),
    alertChannels: [capture],
    overrides: () => ({
      // The precompute service rejects the date's first two calls (e.g. a bad deploy), then works.
      runPrecomputeProcessor: async (request: PrecomputeRun) => {
        if (request.gameDate === day && precomputeFailures < 2) {
          precomputeFailures += 1;
          throw ApplicationFailure.nonRetryable(`precompute rejected ${request.className}`, 'PlatformRejected');
        }
        return { processor: request.className, status: 'success', recordCount: 300 };
      },
      raiseAlert: realAlerts(raised, () => (ref.ops as OpsWorker).config),
    }),
  });
  const o = ref.ops;
  await o.worker.runUntil(async () => {
    // The day is started at 05:10 (the same_day cycle); the props run publishes its upcoming contexts.
    await sleepUntil(day, '05:10');
    await o.startDate({ gameDate: day });
    const at = zonedTimeToInstant(day, '05:10');
    for (const name of ['upcoming_player_game_context', 'upcoming_team_game_context']) {
      await o.client.workflow
        .getHandle(o.workflowId(day))
        .signal(processorCompletedSignal, completion(o.config, 3, name, day, at), { messageId: `props-${name}` });
    }
    await sleepUntil(day, '06:30');
    const failed = await o.state(day);
    expect(failed.cycle).toBe('same_day');
    expect(failed.status).toBe('FAILED');
    expect(step(failed, 'same_day/phase4')).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/^0\/5 done; team_defense_zone_analysis, player_shot_zone_analysis failed/),
    });

    const heal = (n: number) =>
      o.client.workflow.execute(selfHeal, { taskQueue: o.taskQueue, workflowId: `self-heal-${o.id}-${n}`, args: [{}] });
    const first = await heal(1);
    expect(first.dates).toEqual([yesterday, day, tomorrow]);
    expect(first.steps.map((s) => [s.gameDate, s.decision])).toEqual([
      [yesterday, 'none'],
      [day, 'force'],
      [tomorrow, 'start'],
      [tomorrow, 'none'],
    ]);
    expect(first.steps[0].reason).toBe('no games scheduled');
    // The configured remedy for phase 4 is `retry`: the same phase forced, the step restarted with a fresh key.
    expect(first.steps[1]).toMatchObject({
      phase: 4,
      reason: expect.stringMatching(/^self-heal retry: phase 4 at 06:00 FAILED \(0\/5 done; /),
      outcome:
        'forced phase 4: phase 4 (precompute) of same_day: phase 4 at 06:00 restarted with a fresh idempotency key',
    });
    expect(first.steps[2]).toMatchObject({
      reason: '7 games scheduled and no workflow for the date',
      outcome: `started ${o.workflowId(tomorrow)}`,
    });
    expect(first.steps[3].reason).toMatch(/^healthy: tomorrow · /);
    expect(first.actionsTaken).toBe(2);

    // The forced phase 4 reruns every processor with fresh idempotency keys and succeeds.
    const healed = await eventually(
      () => o.state(day),
      (s) => step(s, 'same_day/phase4').status === 'DONE',
    );
    expect(step(healed, 'same_day/phase4')).toMatchObject({ restarts: 1, degraded: true });
    const keys = o.fake
      .of('runPrecomputeProcessor')
      .filter((c) => (c.args[0] as PrecomputeRun).gameDate === day)
      .map((c) => (c.args[0] as PrecomputeRun).idempotencyKey);
    expect(keys).toHaveLength(7);
    expect(
      keys
        .slice(0, 2)
        .every(
          (k) =>
            k.endsWith('same_day/phase4:team_defense_zone_analysis') ||
            k.endsWith('same_day/phase4:player_shot_zone_analysis'),
        ),
    ).toBe(true);
    expect(keys.slice(2).every((k) => k.endsWith(':restart1'))).toBe(true);
    expect(healed.operatorActions).toEqual([
      expect.objectContaining({
        action: 'forcePhase',
        phase: 4,
        cycle: 'same_day',
        user: 'self-heal',
        skipGates: false,
        outcome: first.steps[1].outcome?.replace('forced phase 4: ', ''),
      }),
    ]);
    expect((await o.state(tomorrow)).cycle).toBe('tomorrow');

    const second = await heal(2);
    expect(second.actionsTaken).toBe(0);
    expect(second.steps.map((s) => [s.gameDate, s.decision])).toEqual([
      [yesterday, 'none'],
      [day, 'none'],
      [tomorrow, 'none'],
    ]);
    expect((await o.state(day)).operatorActions).toHaveLength(1);
    expect(o.fake.of('countScheduledGames').filter((c) => c.args[0] === tomorrow).length).toBeGreaterThan(0);

    // Each alert of the date reaches the webhook and the mailbox once, naming its cycle and the fix command.
    await eventually(
      async () => delivered('PHASE_FORCED', day).length,
      (n) => n === 1,
    );
    const [failedAlert] = delivered('STEP_FAILED', day);
    expect(delivered('STEP_FAILED', day)).toHaveLength(1);
    expect(failedAlert.text).toContain('Phase: phase 4 (precompute) (same_day)');
    expect(failedAlert.text).toContain(`Fix: gameday force ${day} --phase 4 --reason "retry failed precompute"`);
    expect(mailed('STEP_FAILED', day)).toHaveLength(1);
    expect(mailed('PHASE_FORCED', day)).toHaveLength(1);
    expect(
      raised
        .filter((a) => a.gameDate === day)
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['PHASE_FORCED', 'STEP_FAILED']);

    // The daily summary of the three dates, on the days' state; sent once.
    const summary = (n: number) =>
      o.client.workflow.execute(dailySummary, {
        taskQueue: o.taskQueue,
        workflowId: `summary-${o.id}-${n}`,
        args: [{ dates: [yesterday, day, tomorrow] }],
      });
    const report = await summary(1);
    expect((await summary(2)).delivery).toMatchObject({ sent: [], alreadySent: ['capture'] });
    expect(report.delivery.sent).toEqual(['capture']);
    expect(summaries).toHaveLength(1);
    expect(report.dates[0]).toMatchObject({
      gameDate: yesterday,
      games: 0,
      workflow: 'none',
      predictions: 'no games',
      problems: [],
    });
    expect(report.dates[1]).toMatchObject({
      gameDate: day,
      games: 7,
      workflow: 'RUNNING',
      cycle: 'same_day',
      predictions: 'not ready',
    });
    expect(report.dates[1].problems).toEqual([
      expect.stringMatching(/^same_day phase 4 at 06:00: DONE \(degraded\) - 5\/5 precompute processors succeeded/),
    ]);
    expect(report.dates[1].interventions).toEqual([expect.objectContaining({ user: 'self-heal', phase: 4 })]);
    expect(report.dates[1].alerts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^STEP_FAILED same_day: /),
        expect.stringMatching(/^PHASE_FORCED same_day: /),
      ]),
    );
    expect(report.dates[2]).toMatchObject({
      gameDate: tomorrow,
      workflow: 'RUNNING',
      cycle: 'tomorrow',
      status: 'WAITING',
    });
    const text = summaries[0].text;
    expect(summaries[0].subject).toBe(report.subject);
    expect(report.subject).toMatch(
      new RegExp(`^\\[gameday\\] daily summary ${day}: ${yesterday} none, ${day} \\w+, ${tomorrow} WAITING$`),
    );
    expect(text).toContain(`${yesterday}: 0 games; - (workflow none)`);
    expect(text).toMatch(new RegExp(`${day}: 7 games; \\w+ \\(cycle same_day\\) \\(workflow RUNNING\\)`));
    expect(text).toMatch(/ self-heal forcePhase phase 4: self-heal retry: phase 4 at 06:00 FAILED/);
    expect(text).toContain('  predictions: not ready');

    for (const d of [day, tomorrow]) await o.client.workflow.getHandle(o.workflowId(d)).terminate('test done');
  });
});

test('self-heal on a stuck phase 3: retry once, decline while the retry has its time, then advance; a closed date is declined with one alert', async () => {
  const date = addDays(today, 2);
  const closed = addDays(today, 3);
  const raised: AlertRequest[] = [];
  const ref: { ops?: OpsWorker } = {};
  // The upcoming contexts never publish (the 2025-12-29 incident): phase 3 stays stuck.
  ref.ops = await opsWorker(env, {
    silentPhase3: ['upcoming_player_game_context', 'upcoming_team_game_context'],
    overrides: () => ({ raiseAlert: realAlerts(raised, () => (ref.ops as OpsWorker).config) }),
  });
  const o = ref.ops;
  const handle = o.client.workflow.getHandle(o.workflowId(date));
  await o.worker.runUntil(async () => {
    await sleepUntil(addDays(date, -1), '16:50');
    await o.startDate({ gameDate: date });
    // A date whose workflow failed (here: a bad input it refuses) stays closed until an operator reruns it.
    await o.startDate({ gameDate: closed, cycle: 'morning' as never });
    await expect(o.client.workflow.getHandle(o.workflowId(closed)).result()).rejects.toThrow();
    await sleepUntil(addDays(date, -1), '17:50');
    const stuck = await o.state(date);
    expect(stuck.status).toBe('STUCK');
    expect(step(stuck, 'tomorrow/phase3').status).toBe('STUCK');
    expect(step(stuck, 'tomorrow/phase4').status).toBe('STUCK');
    const analytics = () =>
      o.fake.of('triggerAnalytics').filter((c) => (c.args[0] as { gameDate: string }).gameDate === date);
    expect(analytics()).toHaveLength(1);

    let n = 0;
    const heal = () =>
      o.client.workflow.execute(selfHeal, {
        taskQueue: o.taskQueue,
        workflowId: `self-heal-${o.id}-${++n}`,
        args: [{ dates: [date, closed] }],
      });
    // Phase 3's remedy is retry-then-advance: first a retry (its remedy runs again with a fresh key).
    const first = await heal();
    expect(first.actionsTaken).toBe(1);
    expect(first.steps.map((s) => [s.gameDate, s.decision, s.phase])).toEqual([
      [date, 'force', 3],
      [closed, 'decline', undefined],
    ]);
    expect(first.steps[0].outcome).toBe(
      'forced phase 3: phase 3 (analytics) of tomorrow: phase 3 upcoming contexts by 17:00 restarted with a fresh idempotency key',
    );
    expect(first.steps[1]).toMatchObject({
      reason: `the date's workflow closed as FAILED with 7 games scheduled; self-heal does not rerun a closed date`,
      fixCommand: `gameday rerun ${closed}`,
    });
    await eventually(
      async () => analytics().length,
      (count) => count === 2,
    );
    const [remedy, retried] = analytics().map((c) => (c.args[0] as { idempotencyKey: string }).idempotencyKey);
    expect(remedy).toMatch(/:tomorrow\/phase3:remedy$/);
    expect(retried).toBe(`${remedy}:restart1`);

    // Right after: the retry has its SLA to work; nothing is done.
    const second = await heal();
    expect(second.actionsTaken).toBe(0);
    expect(second.steps[0]).toMatchObject({
      decision: 'decline',
      reason: expect.stringMatching(/^phase 3 \(analytics\) was forced at .* by self-heal; giving it until /),
    });
    expect(analytics()).toHaveLength(2);

    // The retry did not help: after the SLA, phase 4 is forced with what phase 3 has (degraded).
    await env.sleep(16 * MINUTE);
    const third = await heal();
    expect(third.actionsTaken).toBe(1);
    expect(third.steps[0]).toMatchObject({
      decision: 'force',
      phase: 4,
      reason: expect.stringMatching(/^self-heal advance: phase 3 upcoming contexts by 17:00 STUCK/),
      outcome:
        'forced phase 4: phase 3 upcoming contexts by 17:00 finished as forced; phase 4 (precompute) of tomorrow: phase 4 at 17:30 started now',
    });
    const advanced = await eventually(
      () => handle.query('pipelineState') as Promise<DayState>,
      (s) => step(s, 'tomorrow/phase4').status === 'DONE',
    );
    expect(step(advanced, 'tomorrow/phase3')).toMatchObject({
      status: 'DONE',
      degraded: true,
      outcome: expect.stringMatching(/^forced by self-heal: self-heal advance: /),
    });
    expect(step(advanced, 'tomorrow/phase4')).toMatchObject({ degraded: true });
    expect(advanced.operatorActions.map((a) => [a.user, a.phase, a.cycle])).toEqual([
      ['self-heal', 3, 'tomorrow'],
      ['self-heal', 4, 'tomorrow'],
    ]);
    const fourth = await heal();
    expect(fourth.actionsTaken).toBe(0);
    expect(fourth.steps[0]).toMatchObject({ decision: 'none', reason: expect.stringMatching(/^healthy: /) });
    await handle.terminate('test done');
  });
  // The closed date was declined four times: its alert was raised each time and delivered once per channel.
  expect(raised.filter((a) => a.kind === 'WORKFLOW_FAILED')).toHaveLength(4);
  await eventually(
    async () => delivered('WORKFLOW_FAILED', closed).length,
    (count) => count === 1,
  );
  expect(delivered('WORKFLOW_FAILED', closed)[0].text).toContain(`Fix: gameday rerun ${closed}`);
  expect(mailed('WORKFLOW_FAILED', closed)).toHaveLength(1);
  // The stuck date's alerts: both steps stuck, phase 3 again after its retry (a retry that fails alerts again), and
  // the two forces.
  expect(
    raised
      .filter((a) => a.gameDate === date)
      .map((a) => `${a.kind} ${a.key.split(':').pop()}`)
      .sort(),
  ).toEqual([
    'PHASE_FORCED tomorrow/phase3#1',
    'PHASE_FORCED tomorrow/phase4#1',
    'STEP_STUCK tomorrow/phase3',
    'STEP_STUCK tomorrow/phase3#1',
    'STEP_STUCK tomorrow/phase4',
  ]);
  expect(
    delivered('STEP_STUCK', date)
      .map((b) => /Fix: (.*)/.exec(b.text)?.[1])
      .sort(),
  ).toEqual(Array(3).fill(`gameday force ${date} --phase 4 --reason "phase 3 stuck" --skip-gates`));
});

test('failure mode 11: a game day with no workflow by 12:45 (its schedules deleted) is started by self-heal and predicted before 14:00', async () => {
  const date = addDays(today, 5);
  const ref: { ops?: OpsWorker } = {};
  ref.ops = await opsWorker(env, { games: (d) => (d === date ? 7 : 0) });
  const o = ref.ops;
  await o.worker.runUntil(async () => {
    // Nothing started the date: no schedule fired, no completion reached the bridge. The midday self-heal runs.
    await sleepUntil(date, '12:45');
    const heal = (n: number) =>
      o.client.workflow.execute(selfHeal, {
        taskQueue: o.taskQueue,
        workflowId: `self-heal-${o.id}-fm11-${n}`,
        args: [{}],
      });
    const first = await heal(1);
    expect(first.dates).toEqual([addDays(date, -1), date, addDays(date, 1)]);
    expect(first.steps.filter((s) => s.gameDate === date)).toEqual([
      expect.objectContaining({
        decision: 'start',
        reason: '7 games scheduled and no workflow for the date',
        outcome: `started ${o.workflowId(date)}`,
      }),
      expect.objectContaining({ decision: 'none' }),
    ]);
    // The same_day chain runs from where the day is: the overdue remedy, phase 4, then a prediction wave.
    await sleepUntil(date, '14:05');
    const state = await o.state(date);
    expect(state.cycle).toBe('same_day');
    expect(state.predictions.ready).toBe(true);
    expect(Date.parse(state.predictions.readyAt!)).toBeLessThan(zonedTimeToInstant(date, '14:00').getTime());
    expect(step(state, 'same_day/phase4').status).toBe('DONE');
    const deadline = state.cycles.same_day.steps.find((s) => s.kind === 'predictions-deadline')!;
    expect(deadline.status).toBe('DONE');
    expect(
      o.fake.of('startPredictionBatch').filter((c) => (c.args[0] as { gameDate: string }).gameDate === date).length,
    ).toBeGreaterThan(0);
    // The afternoon self-heal finds the day healthy and does nothing.
    const second = await heal(2);
    expect(second.actionsTaken).toBe(0);
    expect(second.steps.find((s) => s.gameDate === date)).toMatchObject({ decision: 'none' });
    await o.client.workflow.getHandle(o.workflowId(date)).terminate('test done');
  });
});
