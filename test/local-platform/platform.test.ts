/**
 * The local platform's plumbing: the schedule, the local-only routes (events, clock, days), what is gone
 * (`/scrapers/run`: a date's day is started with `POST /_local/days`), errors as JSON, and its clock (the config's
 * virtual clock by default). The platform's own day is in day-simulator.test.ts.
 */
import { loadConfig } from '../../config/load';
import { startLocalPlatform, type LocalPlatform, type RunEvent, type Scenario } from '../../local-platform';
import { useLocalPlatform } from '../helpers/local-platform';

const config = loadConfig({});
const SCENARIO: Scenario = { name: 'fast', defaultDelayMs: 5, gamesByDate: { '2026-02-15': 0, '2026-01-10': 4 } };
const clock = new Date('2025-12-29T17:00:00Z'); // noon in New York

const local = useLocalPlatform({ config, scenario: SCENARIO, now: () => clock });

async function get(path: string, target: LocalPlatform = local.platform) {
  const res = await fetch(`${target.url}${path}`);
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined, headers: res.headers };
}
async function post(path: string, body: unknown, target: LocalPlatform = local.platform) {
  const res = await fetch(`${target.url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

describe('GET /schedule', () => {
  it('2025-12-29 has 11 games of 22 distinct real teams, scheduled at noon the same day', async () => {
    const res = await get('/schedule?game_date=2025-12-29');
    expect(res.status).toBe(200);
    expect(res.body.game_date).toBe('2025-12-29');
    expect(res.body.games).toHaveLength(11);
    const teams = res.body.games.flatMap((g: { home_team_tricode: string; away_team_tricode: string }) => [
      g.home_team_tricode,
      g.away_team_tricode,
    ]);
    expect(new Set(teams).size).toBe(22);
    for (const game of res.body.games) {
      expect(Object.keys(game).sort()).toEqual([
        'away_team_tricode',
        'game_id',
        'game_status',
        'game_status_text',
        'home_team_tricode',
      ]);
      expect(game.game_id).toMatch(/^00225\d{5}$/);
      expect(game.home_team_tricode).toMatch(/^[A-Z]{3}$/);
      expect(game.game_status).toBe(1);
      expect(game.game_status_text).toMatch(/^\d\d:\d\d ET$/);
    }
    expect((await get('/schedule?game_date=2025-12-29')).body).toEqual(res.body);
  });

  it('past dates are final; gamesByDate overrides; other dates are deterministic and some have no games', async () => {
    const past = await get('/schedule?game_date=2025-12-01');
    expect(past.body.games.length).toBeGreaterThan(0);
    expect(
      past.body.games.every(
        (g: { game_status: number; game_status_text: string }) => g.game_status === 3 && g.game_status_text === 'Final',
      ),
    ).toBe(true);
    expect((await get('/schedule?game_date=2026-02-15')).body.games).toEqual([]);
    expect((await get('/schedule?game_date=2026-01-10')).body.games).toHaveLength(4);
    const counts: number[] = [];
    for (let day = 1; day <= 31; day++) {
      counts.push((await get(`/schedule?game_date=2026-03-${String(day).padStart(2, '0')}`)).body.games.length);
    }
    expect(counts.some((n) => n === 0)).toBe(true);
    expect(counts.some((n) => n >= 5)).toBe(true);
    expect(Math.max(...counts)).toBeLessThanOrEqual(15);
  });

  it('TODAY, YESTERDAY and TOMORROW resolve in America/New_York', async () => {
    expect((await get('/schedule?game_date=TODAY')).body.game_date).toBe('2025-12-29');
    expect((await get('/schedule?game_date=YESTERDAY')).body.game_date).toBe('2025-12-28');
    expect((await get('/schedule?game_date=TOMORROW')).body.game_date).toBe('2025-12-30');
  });

  it.each(['', '?game_date=', '?game_date=2025-02-30', '?game_date=29-12-2025', '?game_date=AUTO'])(
    '400 with a reason for "%s"',
    async (query) => {
      const res = await get(`/schedule${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/game_date/);
    },
  );
});

describe('local-only routes', () => {
  it("/scrapers/run is gone: a date's day starts with POST /_local/days", async () => {
    const gone = await post('/scrapers/run', { game_date: '2025-12-29' });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      status: 'error',
      error: 'not_found',
      message: 'no route for POST /scrapers/run',
    });
    const started = await post('/_local/days', { game_date: '2025-12-29' });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ status: 'simulating', game_date: '2025-12-29', now: clock.toISOString() });
    for (const body of [{}, { game_date: '2025-02-30' }, { game_date: 'TODAY' }, '[]']) {
      const bad = await post('/_local/days', body);
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('expected {"game_date": "YYYY-MM-DD"}');
    }
  });

  it("GET /_local/clock is the day's time; events are stamped with it", async () => {
    expect((await get('/_local/clock')).body).toEqual({ now: clock.toISOString() });
    const events = (await get('/_local/events')).body as Array<{ at: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.at === clock.toISOString())).toBe(true);
  });

  it("by default the clock is the config's virtual clock: its anchor, running 1/timeScale times faster", async () => {
    const realAnchor = Date.now();
    const virtualAnchor = Date.parse('2025-12-28T20:45:00Z');
    const virtual = await startLocalPlatform({
      config: loadConfig(
        {},
        {
          timeScale: 1 / 600,
          clock: {
            virtualAnchor: new Date(virtualAnchor).toISOString(),
            realAnchor: new Date(realAnchor).toISOString(),
          },
        },
      ),
      scenario: SCENARIO,
      publishUrl: local.receiver.url,
      port: 0,
      noDaySimulation: true,
    });
    try {
      const now = Date.parse((await get('/_local/clock', virtual)).body.now);
      const elapsed = Date.now() - realAnchor;
      expect(now).toBeGreaterThanOrEqual(virtualAnchor);
      expect(now).toBeLessThanOrEqual(virtualAnchor + elapsed * 600);
      // 15:45 ET on the 28th: TODAY is the 28th
      expect((await get('/schedule?game_date=TODAY', virtual)).body.game_date).toBe('2025-12-28');
    } finally {
      await virtual.close();
    }
  });

  it('healthz, unknown routes, wrong methods and bad JSON', async () => {
    expect((await get('/healthz')).body).toEqual({ status: 'ok', scenario: 'fast' });
    expect((await get('/nope')).status).toBe(404);
    const wrong = await get('/phase3/process-date-range');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const bad = await post('/phase4/process-date', '{"analysis_date":');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('not valid JSON');
    const notObject = await post('/phase4/process-date', '[1, 2]');
    expect(notObject.status).toBe(400);
    expect(notObject.body.message).toBe('request body must be a JSON object');
  });

  it('GET /_local/events lists calls (not its own GETs), runs and publishes, filterable by seq', async () => {
    const res = await post('/phase3/process-date-range', {
      start_date: '2025-12-01',
      end_date: '2025-12-01',
      processors: ['TeamOffenseGameSummaryProcessor'],
    });
    expect(res.status).toBe(200);
    await local.receiver.waitFor((acked) => acked.some((m) => m.game_date === '2025-12-01'));
    const all = (await get('/_local/events')).body as Array<{
      seq: number;
      type: string;
      path?: string;
      method?: string;
    }>;
    expect(all.some((e) => e.type === 'request' && e.path === '/phase3/process-date-range')).toBe(true);
    expect(all.some((e) => e.type === 'publish')).toBe(true);
    expect(all.some((e) => e.type === 'run')).toBe(true);
    expect(all.some((e) => e.type === 'request' && e.method === 'GET' && e.path?.startsWith('/_local/'))).toBe(false);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    const last = all[all.length - 1].seq;
    expect((await get(`/_local/events?since=${last}`)).body).toEqual([]);
    expect((await get(`/_local/events?since=${last - 1}`)).body).toHaveLength(1);
    expect((await get('/_local/events?since=-1')).status).toBe(400);
    const runs = local.platform.events().filter((e): e is RunEvent => e.type === 'run');
    expect(runs.every((r) => r.correlationId && r.executionId)).toBe(true);
  });

  it('events() is a copy: changing it changes nothing', () => {
    const events = local.platform.events();
    const count = events.length;
    events.splice(0);
    expect(local.platform.events()).toHaveLength(count);
  });
});
