/**
 * Phase 6, driven by Gameday: tonight's exports (same_day, at their times and after each prediction batch) and the
 * results export of D (overnight). Only the newest game date sets `update_latest` (domain/exports.ts).
 */
import { patched } from '@temporalio/workflow';
import type { StepState } from '../../contracts/state';
import type { Cycle } from '../../domain/cycles';
import { dateInZone } from '../../domain/dates';
import { shouldUpdateLatest, type ExportKind } from '../../domain/exports';
import type { AppliedForce, Day } from '../day/day';
import { triggerActivities } from '../activity-proxies';
import { passDataGate } from './data-gate';
import { failureText } from './errors';

/** Runs from before it left a forced export that failed behind (FAILED, no track's step); they replay so. */
export const FAILED_FORCE_PARKS_PATCH = 'failed-forced-export-waits-for-operator';

export function tonightExportsTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'tonight-export');
  return () =>
    day.runTrack('exports', steps, async (step, force) => {
      const later = steps.find((s) => s.dueAt > step.dueAt);
      const until = later ? Date.parse(later.dueAt) : undefined;
      if (!force) {
        if (until !== undefined && day.now() >= until) {
          day.finishStep(step, 'SKIPPED', `superseded by ${later?.label}`);
          return;
        }
        await day.wait(step, `its time (${step.time})`, Date.parse(step.dueAt));
      }
      if ((await passDataGate(day, step, force, { until })) === 'expired') {
        day.finishStep(step, 'SKIPPED', `still blocked by its data gate when ${later?.label} came`);
        return;
      }
      await publishExport(day, step, 'tonight', force);
    });
}

export function resultsExportTrack(day: Day, cycle: Cycle): () => Promise<void> {
  const steps = day.state.cycles[cycle].steps.filter((s) => s.kind === 'results-export');
  return () =>
    day.runTrack('results', steps, async (step, force) => {
      if (!force) await day.wait(step, `its time (${step.time})`, Date.parse(step.dueAt));
      await publishExport(day, step, 'results', force);
    });
}

/**
 * Publishes one export trigger. `keySuffix` separates an extra export of a step (after a prediction batch) from the
 * step's own. A failed publish (after the activity's retries) fails the step and alerts.
 */
export async function publishExport(
  day: Day,
  step: StepState,
  kind: ExportKind,
  force: AppliedForce | undefined,
  keySuffix?: string,
): Promise<boolean> {
  const today = dateInZone(day.now(), day.settings.timeZone);
  const updateLatest = shouldUpdateLatest(kind, day.state.gameDate, today);
  step.status = 'RUNNING';
  day.refresh();
  try {
    const { messageId, exportTypes } = await triggerActivities.publishExportTrigger.executeWithOptions(
      { summary: `phase 6 ${kind} export for ${day.state.gameDate}${updateLatest ? '' : ' (not the latest)'}` },
      [{ ...day.triggerIds(step, keySuffix), kind, updateLatest }],
    );
    const count = (step.export?.count ?? 0) + 1;
    step.export = { messageId, updateLatest, exportTypes, count };
    const what = `${kind} export published (message ${messageId}${updateLatest ? ', update_latest' : ', update_latest false: an older date'})`;
    if (keySuffix) {
      day.markTriggered(step, what);
      return true;
    }
    day.markTriggered(step, what);
    day.finishStep(step, 'DONE', what);
    return true;
  } catch (err) {
    const why = failureText(err);
    if (keySuffix) {
      day.alert('STEP_FAILED', {
        step,
        key: `${step.id}:${keySuffix}`,
        message: `${day.state.gameDate}: ${kind} export failed: ${why}`,
      });
      return false;
    }
    step.status = 'FAILED';
    step.error = `export failed: ${why}`;
    day.alert('STEP_FAILED', {
      step,
      message: `${day.state.gameDate}: ${step.label} failed: ${why}`,
      fixCommand: day.fix(6, 'retry the export'),
    });
    // A forced export that failed moved on before this patch, leaving its step FAILED with no track to force it again.
    if (!force || patched(FAILED_FORCE_PARKS_PATCH)) {
      await day.waitForOperator(step, 'an operator: `gameday force` publishes it again');
    }
    return false;
  }
}
