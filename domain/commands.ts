/** The `gameday` commands alerts and reports point to: one copy of each, so every message names the same fix. */
import type { PhaseNumber } from './phases';

export function forceCommand(gameDate: string, phase: PhaseNumber, reason: string): string {
  return `gameday force ${gameDate} --phase ${phase} --reason "${reason.replace(/"/g, "'")}"`;
}

export function statusCommand(gameDate: string): string {
  return `gameday status ${gameDate}`;
}

export function rerunCommand(gameDate: string): string {
  return `gameday rerun ${gameDate}`;
}
