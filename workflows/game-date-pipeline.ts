/**
 * One game date's whole day: D-1 evening (tomorrow), D (same_day), the post-game night into D+1 (overnight). Each
 * cycle is one run of this workflow; continue-as-new carries the day into the next cycle (or trims a long history
 * within one). The cycles and their rules live in ./cycles and ./rules; the host in ./day.
 */
import { isCancellation } from '@temporalio/workflow';
import type { PipelineInput } from '../contracts/workflow-api';
import type { DayState } from '../contracts/state';
import { nextCycle } from '../domain/cycles';
import { CYCLE_RUNNERS } from './cycles';
import { openDay } from './day/open';
import { findGaps } from './rules/gap-check';

export async function gameDatePipeline(input: PipelineInput): Promise<DayState> {
  const day = await openDay(input);
  try {
    if (day.state.gamesScheduled === 0) return await day.finish('NO_GAMES');
    const cycle = day.state.cycle;
    const end = await CYCLE_RUNNERS[cycle](day);
    if (end === 'continue-as-new') return await day.continueAsNew(cycle);
    const next = nextCycle(cycle);
    if (next) return await day.continueAsNew(next);
    return await day.finish(findGaps(day.state).length ? 'COMPLETE_WITH_GAPS' : 'COMPLETE');
  } catch (err) {
    if (isCancellation(err)) await day.cancelled();
    throw err;
  }
}
