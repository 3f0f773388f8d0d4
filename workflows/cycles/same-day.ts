/** D: refreshed upcoming contexts, phase 4 and feature refreshes, prediction waves FIRST -> LAST_CALL, the 2 PM deadline, tonight's exports. */
import type { CycleEnd, Day } from '../day/day';
import { predictionsDeadlineTrack } from '../rules/deadline';
import { tonightExportsTrack } from '../rules/exports';
import { phase3Track } from '../rules/phase3';
import { phase4Track } from '../rules/phase4';
import { predictionWavesTrack } from '../rules/predictions';

export function sameDayCycle(day: Day): Promise<CycleEnd> {
  return day.runCycle('same_day', {
    phase3: phase3Track(day, 'same_day'),
    phase4: phase4Track(day, 'same_day'),
    predictions: predictionWavesTrack(day, 'same_day'),
    deadline: predictionsDeadlineTrack(day, 'same_day'),
    exports: tonightExportsTrack(day, 'same_day'),
  });
}
