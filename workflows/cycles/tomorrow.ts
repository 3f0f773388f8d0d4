/** D-1 evening: phase 3's upcoming contexts for D, phase 4 for D, PRE_GAME predictions. */
import type { CycleEnd, Day } from '../day/day';
import { phase3Track } from '../rules/phase3';
import { phase4Track } from '../rules/phase4';
import { predictionWavesTrack } from '../rules/predictions';

export function tomorrowCycle(day: Day): Promise<CycleEnd> {
  return day.runCycle('tomorrow', {
    phase3: phase3Track(day, 'tomorrow'),
    phase4: phase4Track(day, 'tomorrow'),
    predictions: predictionWavesTrack(day, 'tomorrow'),
  });
}
