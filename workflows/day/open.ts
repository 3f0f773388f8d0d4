/**
 * Opening a run of a date's day: validate the input, register the handlers at once (messages that arrive before
 * the settings are queued, never lost), load the settings, then start the day or resume the carried one.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  setHandler,
  sleep,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { pipelineStateQuery, processorCompletedSignal, type PipelineInput } from '../../contracts/workflow-api';
import type { DayState } from '../../contracts/state';
import { clockFrom, virtualNow } from '../../domain/clock';
import { isCycle, CYCLES } from '../../domain/cycles';
import { cycleAt } from '../../domain/day-plan';
import { gameDateInput } from '../input';
import type { Delivery } from '../../domain/messages';
import { bookkeepingActivities, readActivities, settingsActivity } from '../activity-proxies';
import { Day } from './day';
import { newDayState } from './record';

const SCHEDULE_RETRY_MS = 15 * 60_000;
const SETTINGS_RETRY_MS = 15 * 60_000;

export function validateInput(input: PipelineInput): void {
  gameDateInput(input?.gameDate);
  if (input.cycle !== undefined && !isCycle(input.cycle)) {
    throw ApplicationFailure.nonRetryable(
      `unknown cycle ${JSON.stringify(input.cycle)}: expected one of ${CYCLES.join(', ')}`,
      'InvalidInput',
    );
  }
  if (input.carried !== undefined && input.carried.gameDate !== input.gameDate) {
    throw ApplicationFailure.nonRetryable('the carried state belongs to another date', 'InvalidInput');
  }
}

export async function openDay(input: PipelineInput): Promise<Day> {
  validateInput(input);
  const inbox: { message: unknown; delivery?: Delivery }[] = [];
  let preliminary: DayState | undefined = input.carried;
  setHandler(processorCompletedSignal, (message, delivery) => {
    inbox.push({ message, delivery });
  });
  setHandler(pipelineStateQuery, () => {
    if (!preliminary) throw new Error('the day is starting: its settings are being loaded; ask again in a moment');
    return preliminary;
  });

  const settings = await untilLoaded(input.gameDate, 'the run settings', () =>
    settingsActivity.loadRunSettings.executeWithOptions({ summary: 'load the run settings' }, []),
  );
  const info = workflowInfo();
  let state: DayState;
  if (input.carried) {
    state = input.carried;
    state.runId = info.runId;
    state.runs += 1;
    if (input.cycle) state.cycle = input.cycle;
  } else {
    const plan = await untilLoaded(input.gameDate, 'the plan of the day', () =>
      settingsActivity.planDay.executeWithOptions({ summary: `plan the day of ${input.gameDate}` }, [input.gameDate]),
    );
    const clock = clockFrom(settings.clock, Date.now());
    const startCycle = input.cycle ?? cycleAt(plan, virtualNow(clock, Date.now()));
    state = newDayState({
      gameDate: input.gameDate,
      workflowId: info.workflowId,
      runId: info.runId,
      plan,
      clock,
      now: virtualNow(clock, Date.now()),
      startCycle,
    });
  }
  preliminary = state;
  const day = new Day(state, settings, input);
  day.registerHandlers(inbox);
  day.books.start();
  if (state.gamesScheduled === undefined) await readSchedule(day);
  day.refresh();
  return day;
}

/** Games on the date. A schedule that cannot be read is retried, then alerted and retried on a timer: never a dead date. */
async function readSchedule(day: Day): Promise<void> {
  for (;;) {
    try {
      day.state.gamesScheduled = await readActivities.countScheduledGames.executeWithOptions(
        { summary: `count the games of ${day.state.gameDate}` },
        [day.state.gameDate],
      );
      return;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      day.alert('START_FAILED', {
        phase: 1,
        message: `${day.state.gameDate}: the schedule cannot be read (${cause}); retrying every 15 minutes`,
        fixCommand: `gameday status ${day.state.gameDate}`,
      });
      day.state.summary = `starting: the schedule cannot be read (${cause})`;
      await day.until(day.now() + SCHEDULE_RETRY_MS);
    }
  }
}

/**
 * What the day needs before anything else (its settings, its plan). After the activity's own retries: one
 * START_FAILED alert (delivered beside the wait, never before it), then again every 15 minutes. Messages that arrive
 * meanwhile wait in the inbox.
 */
async function untilLoaded<T>(gameDate: string, what: string, load: () => Promise<T>): Promise<T> {
  let alerted = false;
  for (;;) {
    try {
      return await load();
    } catch (err) {
      // A local activity's last failure may arrive unwrapped (the ApplicationFailure it threw).
      if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      log.error(`${gameDate}: ${what} cannot be loaded; retrying every 15 minutes`, { error: cause });
      if (!alerted) {
        alerted = true;
        const { workflowId, firstExecutionRunId } = workflowInfo();
        void bookkeepingActivities.raiseAlert
          .executeWithOptions({ summary: `alert START_FAILED: ${what} cannot be loaded` }, [
            {
              key: `start-failed:${what}`,
              kind: 'START_FAILED',
              message: `${gameDate}: ${what} cannot be loaded (${cause}); the day has not started and retries every 15 minutes`,
              fixCommand: `gameday health`,
              raisedAt: new Date().toISOString(),
              gameDate,
              workflowId,
              dedupeScope: firstExecutionRunId,
            },
          ])
          .catch((alertErr: unknown) => log.error('START_FAILED alert delivery failed', { error: String(alertErr) }));
      }
      await sleep(SETTINGS_RETRY_MS);
    }
  }
}
