/**
 * 2. Step overhead against Airflow: Gameday's phase-4 gap (one processor answered -> the next one's request
 * arrived at the platform) beside Airflow's task-to-task gap (a task's end -> its dependent's start, from the task
 * instance table) for the same shape, five sequential no-op tasks, on the same machine. Airflow comes from PyPI
 * into a git-ignored venv (cached), runs `airflow standalone` on its own SQLite under .tools, started and stopped here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { progress } from './progress';
import { table, type Section } from './report';
import { ms, ratio, summarize } from './stats';
import type { TriggerSamples } from './trigger';

const ROOT = join(__dirname, '..', '..');
const VENV = join(ROOT, '.tools', 'airflow-venv');
const HOME = join(ROOT, '.tools', 'airflow-home');
const STAMP = join(ROOT, '.tools', 'airflow-installed.txt');
/** The newest Airflow that installs on this machine's Python without the constraints file (no other network). */
const AIRFLOW = 'apache-airflow==3.3.2';
const DAG_ID = 'bench_chain';
const TASKS = 5;
const RUNS = 5;

const DAG = `from datetime import datetime
from airflow.sdk import dag, task


@dag(dag_id="${DAG_ID}", schedule=None, start_date=datetime(2025, 1, 1), catchup=False, is_paused_upon_creation=False)
def ${DAG_ID}():
    @task
    def noop():
        return None

    steps = [noop.override(task_id=f"step_{i}")() for i in range(1, ${TASKS + 1})]
    for a, b in zip(steps, steps[1:]):
        a >> b


${DAG_ID}()
`;

/** Prints the finished runs (and their task instances) started after argv[2], as JSON, once argv[3] runs are done. */
const QUERY = `import json, sqlite3, sys, time
db, since, want, deadline = sys.argv[1], sys.argv[2], int(sys.argv[3]), time.time() + float(sys.argv[4])
while True:
    c = sqlite3.connect(db)
    try:
        runs = c.execute("select run_id, state, start_date, end_date from dag_run where dag_id=? and run_after>=? order by run_after", ("${DAG_ID}", since)).fetchall()
        tis = c.execute("select run_id, task_id, state, start_date, end_date, queued_dttm from task_instance where dag_id=? and run_id in (select run_id from dag_run where dag_id=? and run_after>=?)", ("${DAG_ID}", "${DAG_ID}", since)).fetchall()
        registered = c.execute("select count(*) from dag where dag_id=?", ("${DAG_ID}",)).fetchone()[0]
    except sqlite3.OperationalError:
        runs, tis, registered = [], [], 0
    finally:
        c.close()
    done = [r for r in runs if r[1] in ("success", "failed")]
    if (want == 0 and registered) or (want > 0 and len(done) >= want) or time.time() > deadline:
        print(json.dumps({"registered": registered, "runs": runs, "tis": tis}))
        break
    time.sleep(0.5)
`;

interface QueryAnswer {
  registered: number;
  runs: [string, string, string | null, string | null][];
  tis: [string, string, string, string | null, string | null, string | null][];
}

export interface AirflowResult {
  version?: string;
  notInstalled?: string;
  gaps: number[];
  queueGaps: number[];
  runSeconds: number[];
  failedRuns: number;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, logTo?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', logTo ?? 'pipe', logTo ?? 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${file} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

/** The venv with Airflow, installed once (stamped); progress goes to stderr. */
async function ensureAirflow(): Promise<void> {
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === AIRFLOW && existsSync(join(VENV, 'bin', 'airflow'))) return;
  mkdirSync(join(ROOT, '.tools'), { recursive: true });
  const python = process.env.PYTHON ?? 'python3.11';
  if (!existsSync(join(VENV, 'bin', 'python'))) {
    progress(`airflow: creating the venv .tools/airflow-venv with ${python}`);
    await run(python, ['-m', 'venv', VENV], process.env).catch(() => run('python3', ['-m', 'venv', VENV], process.env));
  }
  progress(`airflow: installing ${AIRFLOW} from PyPI into .tools/airflow-venv (a few minutes, once)`);
  await run(
    join(VENV, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '--progress-bar', 'off', AIRFLOW],
    process.env,
    2,
  );
  writeFileSync(STAMP, AIRFLOW);
  progress('airflow: installed');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || !child.pid) return resolve();
    const pid = child.pid;
    const kill = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      // The scheduler's executor processes may outlive the standalone parent for a moment.
      setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        resolve();
      }, 1000);
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

/** Waits until the api-server answers its health check (Airflow 3: GET /api/v2/monitor/health). */
async function waitForApiServer(port: number, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v2/monitor/health`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`the api-server did not answer within ${timeoutS} s (see .tools/airflow-home/standalone.log)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const utc = (text: string | null) => (text ? Date.parse(`${text.replace(' ', 'T')}Z`) : Number.NaN);

export async function measureAirflow(): Promise<AirflowResult> {
  const result: AirflowResult = { gaps: [], queueGaps: [], runSeconds: [], failedRuns: 0 };
  try {
    await ensureAirflow();
  } catch (err) {
    result.notInstalled = (err as Error).message.slice(0, 300);
    return result;
  }
  result.version = AIRFLOW.split('==')[1];
  mkdirSync(join(HOME, 'dags'), { recursive: true });
  writeFileSync(join(HOME, 'dags', `${DAG_ID}.py`), DAG);
  writeFileSync(join(HOME, 'query.py'), QUERY);
  const port = await freePort();
  const env = {
    ...process.env,
    PATH: `${join(VENV, 'bin')}:${process.env.PATH ?? ''}`,
    AIRFLOW_HOME: HOME,
    AIRFLOW__CORE__DAGS_FOLDER: join(HOME, 'dags'),
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://127.0.0.1:${port}/execution/`,
    // Four executor processes instead of 32 on this 2-core machine: no effect on a chain of single tasks.
    AIRFLOW__CORE__PARALLELISM: '4',
  };
  const since = new Date().toISOString().replace('T', ' ').replace('Z', '');
  progress(`airflow: starting \`airflow standalone\` (api-server on 127.0.0.1:${port}, SQLite in .tools/airflow-home)`);
  const log = openSync(join(HOME, 'standalone.log'), 'w');
  const standalone = spawn(join(VENV, 'bin', 'airflow'), ['standalone'], {
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  const python = join(VENV, 'bin', 'python');
  const db = join(HOME, 'airflow.db');
  const query = async (want: number, timeoutS: number) =>
    JSON.parse(
      await run(python, [join(HOME, 'query.py'), db, since, String(want), String(timeoutS)], env),
    ) as QueryAnswer;
  try {
    const registered = await query(0, 240);
    if (!registered.registered)
      throw new Error('the DAG was not registered within 4 minutes (see .tools/airflow-home/standalone.log)');
    // A task starts through the api-server (its execution API): a run triggered before it listens fails its first task.
    await waitForApiServer(port, 240);
    for (let n = 1; n <= RUNS; n++) {
      await run(join(VENV, 'bin', 'airflow'), ['dags', 'trigger', DAG_ID], env);
      await query(n, 180);
      progress(`airflow: run ${n}/${RUNS} done`);
    }
    const answer = await query(RUNS, 1);
    for (const [runId, state, start, end] of answer.runs) {
      if (state !== 'success') {
        result.failedRuns += 1;
        continue;
      }
      result.runSeconds.push((utc(end) - utc(start)) / 1000);
      const tasks = answer.tis.filter((t) => t[0] === runId).sort((a, b) => a[1].localeCompare(b[1]));
      for (let i = 1; i < tasks.length; i++) {
        result.gaps.push(utc(tasks[i][3]) - utc(tasks[i - 1][4]));
        result.queueGaps.push(utc(tasks[i][5]) - utc(tasks[i - 1][4]));
      }
    }
  } finally {
    progress('airflow: stopping');
    await stopGroup(standalone);
  }
  return result;
}

export function airflowSection(airflow: AirflowResult, gameday: TriggerSamples): Section {
  const g = summarize(gameday.phase4Gaps);
  const a = summarize(airflow.gaps);
  const q = summarize(airflow.queueGaps);
  const rows = [
    ['Gameday: phase-4 processor answered -> next request', ms(g.p50), ms(g.p95), ms(g.max), String(g.n)],
    airflow.notInstalled
      ? [`Airflow: not installed (${airflow.notInstalled})`, '-', '-', '-', '0']
      : [`Airflow ${airflow.version}: task end -> dependent start`, ms(a.p50), ms(a.p95), ms(a.max), String(a.n)],
  ];
  if (!airflow.notInstalled) {
    rows.push(['  of which task end -> dependent queued', ms(q.p50), ms(q.p95), ms(q.max), String(q.n)]);
  }
  const times = airflow.gaps.length ? `${ratio(a.p50, g.p50)}` : '-';
  const met = airflow.gaps.length && a.p50 >= 10 * g.p50;
  const runs = summarize(airflow.runSeconds.map((s) => s * 1000));
  const body = [
    'The same shape on both sides: five steps one after the other. Gameday: the five phase-4 processors of the',
    `trigger benchmark's ${gameday.dates} dates (each a \`/process-date\` call to the instant platform), the gap from one`,
    'answer leaving the platform to the next request arriving. Airflow: a DAG of five chained no-op `@task`s, run',
    `${RUNS} times one after the other by \`airflow standalone\` (LocalExecutor, SQLite, parallelism 4), the gap from a`,
    "task instance's end_date to its dependent's start_date in the task instance table.",
    '',
    table(['gap between sequential steps', 'p50', 'p95', 'max', 'n'], rows),
    '',
    airflow.notInstalled
      ? 'Airflow could not be measured on this machine.'
      : `Airflow's median gap is **${times}** Gameday's (goal >= 10x: ${met ? 'met' : 'not met'}). An Airflow run of the` +
        ` five tasks took ${ms(runs.p50)} (p50, ${runs.n} runs${airflow.failedRuns ? `, ${airflow.failedRuns} failed` : ''}).`,
  ].join('\n');
  return { id: 'airflow', title: '2. Step overhead against Airflow', body };
}
