/** D 15:00 to D+1 09:00: box scores -> full phase 3 (30-minute partial rule), the phase-4 recompute, grading, results, gap check. */
import type { CycleEnd, Day } from '../day/day';
import { resultsExportTrack } from '../rules/exports';
import { gapCheckTrack } from '../rules/gap-check';
import { gradingTrack } from '../rules/grading';
import { phase3Track } from '../rules/phase3';
import { phase4Track } from '../rules/phase4';

export function overnightCycle(day: Day): Promise<CycleEnd> {
  return day.runCycle(
    'overnight',
    {
      phase3: phase3Track(day, 'overnight'),
      phase4: phase4Track(day, 'overnight'),
      grading: gradingTrack(day, 'overnight'),
      results: resultsExportTrack(day, 'overnight'),
      'gap-check': gapCheckTrack(day, 'overnight'),
    },
    { endsWith: 'gap-check' },
  );
}
