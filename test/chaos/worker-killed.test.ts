/**
 * Chaos: the worker process is killed with SIGKILL in the middle of phase 3, 4 and 5 and started again each time.
 * The day goes on, and the local platform sees exactly one effective trigger per step and processor.
 * - Phase 4 (a synchronous precompute call in flight): the call is retried after its heartbeat timeout (30 s, not
 *   the 10-minute start-to-close) with the same idempotency key, so the platform runs each processor once.
 * - Phase 5 (a prediction batch running, the workflow polling it): one batch.
 * - Phase 3 (Gameday's remedy has started the missing processors, their completions are on their way): the bridge
 *   signals the completions pushed while no worker runs; they are counted once the worker is back, and the date
 *   lives its whole day to COMPLETE (on a faster day clock: the whole day takes two minutes).
 * The worker is the real entry point (`workers/worker.ts`) in a child process, on a workflow bundle built once for
 * the file (a restart takes seconds, not a webpack run); the local platform and the bridge run here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrAttach } from '../../clients/pipeline-client';
import type { DayState } from '../../contracts/state';
import { pipelineStateQuery } from '../../contracts/workflow-api';
import { SCENARIOS, type PublishEvent, type RequestEvent, type RunEvent, type Scenario } from '../../local-platform';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack';
import { bundleWorkflows } from '../../workers/pipeline-worker';
import { quietRuntime } from '../helpers/tools';
import { until } from '../helpers/until';

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'gameday-chaos-'));
const bundleFile = join(dir, 'workflow-bundle.js');

interface ChaosStack {
  stack: LocalStack;
  configFile: string;
  worker?: ChildProcess;
}

/** The local stack without a worker, and the config file of the worker processes it runs. */
async function chaosStack(options: {
  gameDate: string;
  scenario: Scenario;
  timeScale: number;
  startsAt: string;
}): Promise<ChaosStack> {
  const stack = await startLocalStack({
    scenario: options.scenario,
    persistent: false,
    randomPorts: true,
    dayOf: options.gameDate,
    warehouse: false,
    inProcessWorker: false,
    env: { GAMEDAY_TIME_SCALE: String(options.timeScale) },
    overrides: { localStack: { startsAt: options.startsAt } },
  });
  const configFile = join(dir, `config-${options.gameDate}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      ...stack.config,
      worker: { ...stack.config.worker, healthPort: 0, metricsPort: 0, workflowBundle: bundleFile },
      alerts: { ...stack.config.alerts, ledgerPath: join(dir, `alerts-sent-${options.gameDate}.jsonl`) },
    }),
  );
  return { stack, configFile };
}

async function stopChaosStack(chaos: ChaosStack | undefined, gameDate: string): Promise<void> {
  if (!chaos) return;
  if (chaos.worker && chaos.worker.exitCode === null && chaos.worker.signalCode === null) await kill(chaos.worker);
  await chaos.stack.client.workflow
    .getHandle(`${chaos.stack.config.temporal.workflowIdPrefix}${gameDate}`)
    .terminate('test over')
    .catch(() => undefined);
  await chaos.stack.stop();
}

function startWorker(configFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'workers', 'worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, GAMEDAY_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('gameday worker running')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the worker exited (${code}) before it ran: ${output.slice(-2000)}`)),
    );
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const requestsOf = (stack: LocalStack, path: string) =>
  stack.platform.events().filter((e): e is RequestEvent => e.type === 'request' && e.path === path);

beforeAll(async () => {
  quietRuntime();
  writeFileSync(bundleFile, (await bundleWorkflows()).code);
}, 120_000);

describe('the tomorrow cycle of a date, on a day clock 120 times faster', () => {
  const gameDate = '2026-02-18';
  let chaos: ChaosStack;
  const requests = (path: string) => requestsOf(chaos.stack, path);

  beforeAll(async () => {
    chaos = await chaosStack({ gameDate, scenario: SCENARIOS.happy, timeScale: 1 / 120, startsAt: 'D-1 17:20' });
  }, 120_000);
  afterAll(() => stopChaosStack(chaos, gameDate));

  test('SIGKILL mid phase 4 and mid phase 5, restarted: the day goes on; each processor runs once, one batch', async () => {
    const { stack, configFile } = chaos;
    chaos.worker = await startWorker(configFile);
    const { handle } = await startOrAttach(stack.client, stack.config, { gameDate, startedBy: 'chaos test' });
    const state = () => handle.query(pipelineStateQuery) as Promise<DayState>;
    const step = async (id: string) =>
      (await state().catch(() => undefined))?.cycles.tomorrow.steps.find((s) => s.id === id);

    // Phase 4: killed while its first synchronous call is in flight.
    await until('the first phase-4 call', () => requests('/phase4/process-date')[0]);
    await kill(chaos.worker);
    const killedDuringPhase4 = requests('/phase4/process-date').length;
    chaos.worker = await startWorker(configFile);
    await until('phase 4 done', async () => ((await step('tomorrow/phase4'))?.status === 'DONE' ? true : undefined));

    // Phase 5: killed while the PRE_GAME batch runs (the workflow polls its status).
    await until('the PRE_GAME batch', () => requests('/coordinator/start')[0]);
    await kill(chaos.worker);
    chaos.worker = await startWorker(configFile);
    const wave = await until('the PRE_GAME wave done', async () => {
      const s = await step('tomorrow/wave-1');
      return s?.status === 'DONE' ? s : undefined;
    });
    expect(wave.status).toBe('DONE');

    expect(killedDuringPhase4).toBeLessThan(5);
    const phase4Runs = stack.platform
      .events()
      .filter((e): e is RunEvent => e.type === 'run' && e.phase === 4 && e.gameDate === gameDate);
    const perProcessor = new Map<string, number>();
    for (const run of phase4Runs) perProcessor.set(run.className, (perProcessor.get(run.className) ?? 0) + 1);
    expect([...perProcessor.values()]).toEqual(stack.config.processors[4].map(() => 1));
    expect(perProcessor.size).toBe(stack.config.processors[4].length);
    // A retried call carries the key of the call it repeats: answered from the first, never run again.
    const calls = requests('/phase4/process-date');
    expect(new Set(calls.filter((c) => !c.replayed).map((c) => c.idempotencyKey)).size).toBe(
      calls.filter((c) => !c.replayed).length,
    );
    const starts = requests('/coordinator/start').filter((r) => !r.replayed && r.status < 300);
    expect(starts).toHaveLength(1);
  }, 400_000);
});

describe('the whole day of a date, on a day clock 1200 times faster', () => {
  const gameDate = '2026-02-20';
  // Gameday's phase-3 remedy runs both upcoming contexts; they take 40 and 60 minutes of the day (2 and 3 s), so
  // the worker is dead before either completion is published.
  const scenario: Scenario = {
    name: 'slow-upcoming-contexts',
    description: 'The happy day; the upcoming contexts take 40 and 60 minutes.',
    processors: {
      upcoming_player_game_context: { delayMs: 40 * 60_000 },
      upcoming_team_game_context: { delayMs: 60 * 60_000 },
    },
  };
  let chaos: ChaosStack;

  beforeAll(async () => {
    // From 16:45, after the platform's props scrape of 16:00 (the platform's day starts 40 minutes of the day before
    // the clock does): no phase-3 completion comes before Gameday's remedy.
    chaos = await chaosStack({ gameDate, scenario, timeScale: 1 / 1200, startsAt: 'D-1 16:45' });
  }, 120_000);
  afterAll(() => stopChaosStack(chaos, gameDate));

  test('SIGKILL mid phase 3, restarted: completions pushed meanwhile are counted, the date completes, one effective trigger per step and processor', async () => {
    const { stack, configFile } = chaos;
    const { config, platform } = stack;
    const rule = config.lifecycle.tomorrow.phase3;
    const classOf = (name: string) => config.processors[3].find((p) => p.name === name)!.className;
    chaos.worker = await startWorker(configFile);
    const { handle } = await startOrAttach(stack.client, config, { gameDate, startedBy: 'chaos test' });

    // Phase 3 at the remedy time (17:00, or at once if the day started later): nothing came, so Gameday runs both
    // processors itself. Once the workflow has recorded the trigger, the worker dies; the processors still run.
    await until('the phase-3 remedy triggered', async () => {
      const { events } = await handle.fetchHistory();
      const scheduled = events
        ?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'triggerAnalytics')
        .map((e) => String(e.eventId));
      const completed = events?.some((e) =>
        scheduled?.includes(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)),
      );
      return completed ? true : undefined;
    });
    const killedAfter = platform.events().at(-1)!.seq;
    await kill(chaos.worker);
    const remedies = requestsOf(stack, '/phase3/process-date-range');
    expect(remedies).toHaveLength(1);
    expect((remedies[0].body as { processors: string[] }).processors.sort()).toEqual(rule.expected.map(classOf).sort());

    // Meanwhile the bridge signals each completion to the date: the server keeps them in the history.
    const sentWhileDead = await until('the remedy completions delivered while no worker runs', () => {
      const events = platform.events().filter((e) => e.seq > killedAfter);
      // Each completion's processor, from its run (the message may name an Async... class).
      const processorOf = new Map(
        events
          .filter((e): e is RunEvent => e.type === 'run' && e.phase === 3 && e.gameDate === gameDate)
          .map((run) => [run.executionId, run.processor]),
      );
      const pushes = events
        .filter((e): e is PublishEvent => e.type === 'publish' && e.topic === config.topics[3])
        .map((push) => ({ push, processor: processorOf.get(String(push.message.execution_id)) }))
        .filter((p) => p.processor !== undefined);
      const all = rule.expected.every((name) => pushes.some((p) => p.processor === name));
      return all && pushes.every((p) => p.push.delivery === 'delivered') ? pushes : undefined;
    });
    chaos.worker = await startWorker(configFile);

    const step = await until('phase 3 of the tomorrow cycle done', async () => {
      const state = (await handle.query(pipelineStateQuery).catch(() => undefined)) as DayState | undefined;
      const phase3 = state?.cycles.tomorrow.steps.find((s) => s.kind === 'phase3');
      return phase3?.status === 'DONE' ? { state: state!, phase3 } : undefined;
    });
    expect(step.phase3.outcome).toBe(`all ${rule.expected.length} expected processors complete`);
    expect(step.phase3.phase3?.complete.sort()).toEqual([...rule.expected].sort());
    for (const { push, processor } of sentWhileDead) {
      expect(step.state.seenMessageIds).toContain(push.messageId);
      const runs = step.state.processors[`3:${processor}`].runs;
      expect(runs.map((r) => r.executionId)).toContain(push.message.execution_id);
    }

    // The rest of the day, to the gap check at D+1 09:00.
    const latest = stack.client.workflow.getHandle(handle.workflowId);
    const closed = await until(
      'the date closed',
      async () => {
        const { status } = await latest.describe();
        return status.name === 'RUNNING' ? undefined : status.name;
      },
      400_000,
    );
    expect(closed).toBe('COMPLETED');
    const day = (await latest.result()) as DayState;
    expect(day.status).toBe('COMPLETE');
    expect(Object.values(day.cycles).map((c) => c.status)).toEqual(['DONE', 'DONE', 'DONE']);
    // The seconds without a worker are hours of this day (more on a loaded machine): a tomorrow step they made late
    // (phase 3 itself, phase 4, the PRE_GAME wave) may be reported STUCK before it is done. Nothing else alerts.
    expect(day.alerts.filter((a) => a.kind !== 'STEP_STUCK' || a.cycle !== 'tomorrow')).toEqual([]);

    // One effective trigger (accepted, not answered from the platform's idempotency store) per step and processor:
    // the key is `<workflow>:<run>:<cycle>/<step>[:<processor>]`, so a second run of a cycle would show too.
    const effective = platform
      .events()
      .filter(
        (e): e is RequestEvent =>
          e.type === 'request' &&
          TRIGGER_PATHS.includes(e.path) &&
          e.idempotencyKey?.startsWith(`${handle.workflowId}:`) === true &&
          !e.replayed &&
          e.status < 300,
      );
    const perStep = new Map<string, number>();
    for (const request of effective) {
      const step = request.idempotencyKey!.split(':').slice(2).join(':');
      perStep.set(step, (perStep.get(step) ?? 0) + 1);
    }
    expect([...perStep].filter(([, n]) => n !== 1)).toEqual([]);
    const phase4 = config.processors[4].map((p) => p.name);
    for (const cycle of ['tomorrow', 'same_day', 'overnight'])
      expect(phase4.filter((name) => !perStep.has(`${cycle}/phase4:${name}`))).toEqual([]);
    expect(perStep.has('tomorrow/phase3:remedy')).toBe(true);
    const waves = Object.values(day.cycles).flatMap((c) => c.steps.filter((s) => s.kind === 'prediction-wave'));
    expect(waves.filter((wave) => !perStep.has(wave.id))).toEqual([]);
    // And each accepted phase-3 or phase-4 trigger ran its processors once at the platform, no more.
    const triggered = effective
      .filter((r) => r.path !== '/coordinator/start')
      .flatMap((r) => (r.body as { processors: string[] }).processors)
      .sort();
    const ran = platform
      .events()
      .filter((e): e is RunEvent => e.type === 'run' && e.gameDate === gameDate && e.cause === 'http gameday')
      .map((run) => run.className)
      .sort();
    expect(ran).toEqual(triggered);
  }, 600_000);
});

const TRIGGER_PATHS = ['/phase3/process-date-range', '/phase4/process-date', '/coordinator/start'];
