/** The season benchmarks' pace: `CONCURRENCY` dates at a time, a new one as soon as one ends. */
export const CONCURRENCY = 10;

export async function forEachDate(dates: string[], work: (gameDate: string) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, dates.length) }, async () => {
      while (next < dates.length) await work(dates[next++]);
    }),
  );
}
