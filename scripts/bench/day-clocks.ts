/**
 * One day clock per game date: the worker's `loadRunSettings` answers each date's workflow with a clock on which
 * the date's day starts at `startsAt` (e.g. `D-1 16:55`) at the moment its workflow first asks. Many dates then
 * live their own day side by side, compressed by the config's time scale, without touching workflow code.
 */
import { Context } from '@temporalio/activity';
import { toRunSettings } from '../../config/run-settings';
import type { GamedayConfig } from '../../config/schema';
import { virtualNow, type DayClock } from '../../domain/clock';
import { dayTimeInstant } from '../../domain/day-times';
import type { RunSettings } from '../../domain/run-settings';

export class DayClocks {
  private readonly clocks = new Map<string, DayClock>();
  private settings?: RunSettings;

  constructor(
    private readonly config: GamedayConfig,
    private readonly startsAt: string,
    /** The real time now: the time-skipping server's clock differs from the machine's. */
    private readonly realNow: () => number = Date.now,
  ) {}

  /** Fixes the date's clock now: its day starts at `startsAt` at the real instant `realMs`. */
  anchorAt(gameDate: string, realMs: number): void {
    this.clocks.set(gameDate, {
      scale: this.config.timeScale,
      virtualAnchorMs: dayTimeInstant(gameDate, this.startsAt, this.config.timeZone),
      realAnchorMs: realMs,
    });
  }

  /** The date's day time at the real instant `realMs`. */
  dayAt(gameDate: string, realMs: number): number {
    return virtualNow(this.clockOf(gameDate), realMs);
  }

  clockOf(gameDate: string): DayClock {
    let clock = this.clocks.get(gameDate);
    if (!clock) {
      clock = {
        scale: this.config.timeScale,
        virtualAnchorMs: dayTimeInstant(gameDate, this.startsAt, this.config.timeZone),
        realAnchorMs: this.realNow(),
      };
      this.clocks.set(gameDate, clock);
    }
    return clock;
  }

  dayNow(gameDate: string): number {
    return virtualNow(this.clockOf(gameDate), this.realNow());
  }

  /** The run settings of a date's workflow: the config's, with the date's day clock. */
  settingsFor(workflowId: string): RunSettings {
    const clock = this.clockOf(workflowId.slice(this.config.temporal.workflowIdPrefix.length));
    return {
      ...(this.settings ??= toRunSettings(this.config)),
      clock: {
        scale: clock.scale,
        virtualAnchor: new Date(clock.virtualAnchorMs).toISOString(),
        realAnchor: new Date(clock.realAnchorMs).toISOString(),
      },
    };
  }

  /** The activity that replaces the worker's own `loadRunSettings`. */
  activities() {
    return {
      loadRunSettings: async (): Promise<RunSettings> =>
        this.settingsFor(Context.current().info.workflowExecution?.workflowId ?? ''),
    };
  }
}
