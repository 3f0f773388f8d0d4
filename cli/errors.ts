import { EXIT, type ExitCode } from './exit-codes';

/** An error the CLI reports as one clear line and turns into an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.USAGE);
export const notFound = (message: string, details?: Record<string, unknown>): CliError =>
  new CliError(message, EXIT.NOT_FOUND, details);
export const refused = (message: string, details?: Record<string, unknown>): CliError =>
  new CliError(message, EXIT.REFUSED, details);
export const failing = (message: string, details?: Record<string, unknown>): CliError =>
  new CliError(message, EXIT.FAILING, details);

/** gRPC status codes of a Temporal ServiceError that mean the server could not be reached. */
const UNREACHABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** Turns anything thrown into a CliError: unreachable servers name the address tried. */
export function toCliError(err: unknown, address?: string): CliError {
  if (err instanceof CliError) return err;
  const error = err instanceof Error ? err : new Error(String(err));
  const code = (error as { code?: number }).code ?? (error.cause as { code?: number } | undefined)?.code;
  if (/cannot reach the Temporal server/.test(error.message)) return failing(error.message, { address });
  if (typeof code === 'number' && UNREACHABLE_CODES.has(code)) {
    return failing(`cannot reach the Temporal server at ${address ?? '(unknown address)'}: ${error.message}`, {
      address,
    });
  }
  if (error.name === 'ConfigError') return usageError(error.message);
  const scheduleId = (error as { scheduleId?: string }).scheduleId;
  if (error.name === 'ScheduleNotFoundError' && scheduleId) {
    return notFound(`schedule ${scheduleId} does not exist: run \`gameday schedule apply\``, { scheduleId });
  }
  if (/Could not load the default credentials/.test(error.message)) {
    return failing(
      'no Google credentials for Firestore: set GOOGLE_APPLICATION_CREDENTIALS, run `gcloud auth application-default login`, or set FIRESTORE_EMULATOR_HOST for the emulator',
    );
  }
  return failing(error.message);
}
