/** Every command of the `gameday` CLI: add a command module with one line. */
import type { CommandModule } from '../command';
import { backfillCommand } from './backfill';
import { cancelCommand } from './cancel';
import { completeCommand } from './complete';
import { dashboardCommand } from './dashboard';
import { forceCommand } from './force';
import { forcePredictionsCommand } from './force-predictions';
import { healthCommand } from './health';
import { historyCommand } from './history';
import { importLegacyCommand } from './import-legacy';
import { rerunCommand } from './rerun';
import { resetCommand } from './reset';
import { shadowReportCommand } from './shadow-report';
import { startCommand } from './start';
import { statusCommand } from './status';

export const commands: CommandModule[] = [
  statusCommand,
  dashboardCommand,
  historyCommand,
  healthCommand,
  startCommand,
  rerunCommand,
  backfillCommand,
  cancelCommand,
  completeCommand,
  forceCommand,
  forcePredictionsCommand,
  resetCommand,
  importLegacyCommand,
  shadowReportCommand,
];
