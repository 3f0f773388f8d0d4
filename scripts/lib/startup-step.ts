/**
 * A start-up step of the local stack with a deadline: it says what it waits for, and when the deadline passes it
 * fails naming that, instead of a silent hang. A result that arrives after the deadline is disposed of (a dev
 * server that starts late is stopped, not left running).
 */
export class StartupTimeoutError extends Error {}

export interface StartupSteps {
  run<T>(what: string, start: () => Promise<T>, disposeLate?: (late: T) => Promise<unknown>): Promise<T>;
}

export function startupSteps(timeoutMs: number, progress: (line: string) => void): StartupSteps {
  return {
    async run(what, start, disposeLate) {
      progress(`waiting for ${what}`);
      const began = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const work = start();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(
            new StartupTimeoutError(
              `timed out after ${Math.round(timeoutMs / 100) / 10} s waiting for ${what} (localStack.stepTimeoutSeconds)`,
            ),
          );
        }, timeoutMs);
      });
      work.then(
        (late) => {
          if (timedOut && disposeLate) void disposeLate(late).catch(() => undefined);
        },
        () => undefined,
      );
      try {
        const result = await Promise.race([work, deadline]);
        progress(`${what}: ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
        return result;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
