/**
 * The Temporal UI of the local dev server, in Debian's Chromium (playwright-core): two dates' days run, one of
 * them STUCK (its critical phase-3 processor never completes); filtering by `GameDate` finds that date and by
 * `PipelineStatus = 'STUCK'` the stuck one only. Screenshots go to .gameday/screenshots (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { DayState } from '../../contracts/state';
import { PIPELINE_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes';
import { freePort } from '../../warehouse/emulator';
import { CHROMIUM_ARGS, ensureChromium } from '../helpers/chromium';
import { startOptions } from '../../clients/pipeline-client';
import { dayConfig, dayState, dayWorker } from '../helpers/day-harness';
import { fakePlatform } from '../helpers/fake-platform';
import { quietRuntime, temporalCliPath } from '../helpers/tools';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';

const SCREENSHOTS = join(__dirname, '..', '..', '.gameday', 'screenshots');
const CALM_DATE = '2026-01-15';
const STUCK_DATE = '2026-01-16';
/**
 * Two minutes of the day per real second: the stuck date is STUCK about 10 s after it starts and stays so until its
 * tomorrow cycle ends, 6 minutes later, ample time for a slow browser on a busy machine.
 */
const TIME_SCALE = 1 / 120;

const browserLookup = ensureChromium();
if ('skipReason' in browserLookup) console.warn(`SKIPPING the Temporal UI browser test: ${browserLookup.skipReason}`);
const describeWithChromium = 'path' in browserLookup ? describe : describe.skip;

let env: TestWorkflowEnvironment;
let uiUrl: string;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;
const workers: { worker: Worker; running: Promise<void> }[] = [];
const days: Record<string, WorkflowHandle> = {};

/** Starts a date's day as the CLI and bridge do (static summary and details), on its own worker. */
async function runDay(gameDate: string, silentPhase3: string[]): Promise<void> {
  const config = await dayConfig(env, gameDate, 'D-1 16:55', { timeScale: TIME_SCALE });
  const platform = fakePlatform({ config, client: env.client, silentPhase3 });
  const { worker, taskQueue } = await dayWorker(env, platform.activities);
  workers.push({ worker, running: worker.run() });
  days[gameDate] = await env.client.workflow.start('gameDatePipeline', {
    ...startOptions(config, { gameDate, startedBy: 'the UI test' }),
    taskQueue,
  });
}

async function waitForStatus(gameDate: string, wanted: DayState['status'], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await dayState(env, days[gameDate] as Parameters<typeof dayState>[1]);
    if (state.status === wanted) return;
    if (Date.now() > deadline) throw new Error(`${gameDate} is ${state.status} (${state.summary}), not ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The page's text, frames included (the UI renders markdown in sandboxed frames). */
async function allText(target: Page): Promise<string> {
  const texts = await Promise.all(
    target.frames().map((frame) =>
      frame
        .locator('body')
        .innerText()
        .catch(() => ''),
    ),
  );
  return texts.join('\n');
}

/** The workflow list of the UI with a visibility query, once the rows have loaded. */
async function listWorkflows(query: string, screenshot: string): Promise<string> {
  await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
  await page.waitForSelector('text=/gameday-2026-01-1[56]/', { timeout: 30_000 });
  await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
  return page.locator('body').innerText();
}

describeWithChromium('the Temporal UI in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    quietRuntime();
    const uiPort = await freePort();
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: PIPELINE_SEARCH_ATTRIBUTES,
        ip: '127.0.0.1',
        ui: true,
        uiPort,
      },
    });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    await runDay(CALM_DATE, []);
    // The incident's worse twin: the critical upcoming_player_game_context never completes, so phase 3 is STUCK.
    await runDay(STUCK_DATE, ['upcoming_player_game_context']);
    await waitForStatus(STUCK_DATE, 'STUCK', 60_000);

    userDataDir = mkdtempSync(join(tmpdir(), 'gameday-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: 'path' in browserLookup ? browserLookup.path : undefined,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
    page = await browser.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    for (const handle of Object.values(days)) await handle.terminate('test over').catch(() => undefined);
    for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(workers.map((w) => w.running.catch(() => undefined)));
    await env?.teardown();
  });

  it('filters by GameDate and finds that date only', async () => {
    const text = await listWorkflows(`GameDate = '${CALM_DATE}'`, 'ui-game-date.png');
    expect(text).toContain(days[CALM_DATE].workflowId);
    expect(text).not.toContain(days[STUCK_DATE].workflowId);
  });

  it("filters by PipelineStatus = 'STUCK' and finds the stuck date only", async () => {
    const text = await listWorkflows(`PipelineStatus = 'STUCK'`, 'ui-stuck.png');
    expect(text).toContain(days[STUCK_DATE].workflowId);
    expect(text).not.toContain(days[CALM_DATE].workflowId);
  });

  it("shows the stuck date's summary and current details: cycle, status and the processor it waits for", async () => {
    await page.goto(`${uiUrl}/namespaces/default/workflows/${days[STUCK_DATE].workflowId}`);
    // The details are markdown, rendered in frames of their own; the current ones come from the worker (a query).
    await page.getByText('User Metadata').click();
    const expected = [
      `Game date ${STUCK_DATE}: its whole day`,
      'started by the UI test',
      'STUCK',
      'upcoming_player_game_context',
    ];
    let text = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(500)) {
      text = await allText(page);
      if (expected.every((part) => text.includes(part))) break;
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-stuck-details.png'), fullPage: true });
    for (const part of expected) expect(text).toContain(part);
    expect(text).toMatch(/cycle\s+tomorrow\s+·\s+STUCK/);
  });
});
