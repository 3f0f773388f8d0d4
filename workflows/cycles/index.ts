import type { Cycle } from '../../domain/cycles';
import type { CycleEnd, Day } from '../day/day';
import { overnightCycle } from './overnight';
import { sameDayCycle } from './same-day';
import { tomorrowCycle } from './tomorrow';

/** One module per cycle, in the order of the day. */
export const CYCLE_RUNNERS: Record<Cycle, (day: Day) => Promise<CycleEnd>> = {
  tomorrow: tomorrowCycle,
  same_day: sameDayCycle,
  overnight: overnightCycle,
};
