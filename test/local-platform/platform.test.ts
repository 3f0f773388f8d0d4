import { loadConfig } from '../../config/load';
import { startLocalPlatform, type LocalPlatform, type RunEvent, type Scenario } from '../../local-platform';
import { startPushReceiver, type PushReceiver } from '../../local-platform/testing/push-receiver';

const config = loadConfig({});
const SCENARIO: Scenario = { name: 'fast', defaultDelayMs: 5, gamesByDate: { '2026-02-15': 0, '2026-01-10': 4 } };
const clock = new Date('2025-12-29T17:00:00Z'); // noon in New York

let receiver: PushReceiver;
let platform: LocalPlatform;

beforeAll(async () => {
  receiver = await startPushReceiver();
  platform = await startLocalPlatform({
    config,
    scenario: SCENARIO,
    publishUrl: receiver.url,
    port: 0,
    now: () => clock,
  });
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

async function get(path: string) {
  const res = await fetch(`${platform.url}${path}`);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('GET /schedule', () => {
  it('2025-12-29 has 11 games of 22 distinct real teams', async () => {
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
      // today (in New York) the games are scheduled, not final
      expect(game.game_status).toBe(1);
    }
    expect((await get('/schedule?game_date=2025-12-29')).body).toEqual(res.body);
  });

  it('past dates are final; gamesByDate overrides; other dates are deterministic and some have no games', async () => {
    const past = await get('/schedule?game_date=2025-12-01');
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

  it('TODAY resolves in America/New_York', async () => {
    expect((await get('/schedule?game_date=TODAY')).body.game_date).toBe('2025-12-29');
  });

  it.each(['', '?game_date=', '?game_date=2025-02-30', '?game_date=29-12-2025'])(
    '400 with a reason for %s',
    async (query) => {
      const res = await get(`/schedule${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/game_date/);
    },
  );
});

describe('POST /scrapers/run', () => {
  it('202, then phase-1 completions for every scraper, then phase-2 for every raw processor', async () => {
    const res = await fetch(`${platform.url}/scrapers/run`, {
      method: 'POST',
      body: JSON.stringify({ game_date: '2025-12-29' }),
    });
    expect(res.status).toBe(202);
    const total = config.processors[1].length + config.processors[2].length;
    await receiver.waitFor(
      (m) => m.filter((x) => x.phase === 'phase_1_scrapers' || x.phase === 'phase_2_raw').length === total,
    );
    const messages = receiver.received.filter(
      (r) => r.message.phase === 'phase_1_scrapers' || r.message.phase === 'phase_2_raw',
    );
    const phases = messages.map((r) => r.message.phase);
    expect(phases.lastIndexOf('phase_1_scrapers')).toBeLessThan(phases.indexOf('phase_2_raw'));
    expect(
      messages
        .filter((r) => r.message.phase === 'phase_1_scrapers')
        .map((r) => r.message.processor_name)
        .sort(),
    ).toEqual(config.processors[1].map((p) => p.className).sort());
    for (const r of messages) {
      const phase = r.message.phase === 'phase_1_scrapers' ? 1 : 2;
      expect(r.envelope.subscription).toBe(`projects/nba-props-platform/subscriptions/${config.topics[phase]}-gameday`);
    }
    expect(messages.find((r) => r.message.output_table === 'nbac_schedule')?.message.output_dataset).toBe('nba_raw');
  });

  it('400 without a game_date', async () => {
    const res = await fetch(`${platform.url}/scrapers/run`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
  });
});

describe('plumbing', () => {
  it('healthz, unknown routes, wrong methods and bad JSON', async () => {
    expect((await get('/healthz')).body).toEqual({ status: 'ok', scenario: 'fast' });
    expect((await get('/nope')).status).toBe(404);
    const wrong = await get('/phase3/process-date-range');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const bad = await fetch(`${platform.url}/phase4/process-date`, { method: 'POST', body: '{"analysis_date":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('not valid JSON');
  });

  it('GET /_local/events lists calls and publishes, filterable by seq', async () => {
    const all = (await get('/_local/events')).body as Array<{ seq: number; type: string }>;
    expect(all.some((e) => e.type === 'request')).toBe(true);
    expect(all.some((e) => e.type === 'publish')).toBe(true);
    expect(all.some((e) => e.type === 'run')).toBe(true);
    const last = all[all.length - 1].seq;
    expect((await get(`/_local/events?since=${last}`)).body).toEqual([]);
    const runs = platform.events().filter((e): e is RunEvent => e.type === 'run');
    expect(runs.every((r) => r.correlationId)).toBe(true);
  });
});
