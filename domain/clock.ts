/**
 * The day's clock. In production it is Temporal's clock itself. The local stack and tests run a virtual day:
 * at the real instant `realAnchorMs` it is `virtualAnchorMs`, and virtual time runs 1/scale times faster. Every
 * rule reads time through it, so the same code runs a day in 40 hours or in four minutes.
 */
export interface DayClock {
  scale: number;
  virtualAnchorMs: number;
  realAnchorMs: number;
}

/** The identity clock (production): virtual time is real time. */
export function realClock(nowMs: number): DayClock {
  return { scale: 1, virtualAnchorMs: nowMs, realAnchorMs: nowMs };
}

export function virtualNow(clock: DayClock, realNowMs: number): number {
  return clock.virtualAnchorMs + (realNowMs - clock.realAnchorMs) / clock.scale;
}

/** How long to really wait until a virtual instant (0 when it has passed). */
export function realDelayUntil(clock: DayClock, virtualAtMs: number, realNowMs: number): number {
  return Math.max(0, (virtualAtMs - virtualNow(clock, realNowMs)) * clock.scale);
}

/** A virtual duration (e.g. the 30-minute partial trigger) in real milliseconds. */
export function realDuration(clock: DayClock, virtualMs: number): number {
  return virtualMs * clock.scale;
}

export interface ClockSettings {
  scale: number;
  virtualAnchor?: string;
  realAnchor?: string;
}

/** The clock from the config's settings; anchors left out default to `realNowMs` (the start of a workflow). */
export function clockFrom(settings: ClockSettings, realNowMs: number): DayClock {
  const realAnchorMs = settings.realAnchor ? Date.parse(settings.realAnchor) : realNowMs;
  const virtualAnchorMs = settings.virtualAnchor ? Date.parse(settings.virtualAnchor) : realAnchorMs;
  return { scale: settings.scale, virtualAnchorMs, realAnchorMs };
}
