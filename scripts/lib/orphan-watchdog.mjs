#!/usr/bin/env node
// Kills a process's descendants when that process dies without cleaning up (SIGKILL, OOM, a crash): the dev server,
// the BigQuery and Google emulators it started would otherwise live on, holding ports and the SQLite database.
//   node scripts/lib/orphan-watchdog.mjs <pid>
// Linux only (/proc): elsewhere it exits at once. Started detached by npm start; exits when its work is done.
import { readdirSync, readFileSync } from 'node:fs';
import { clearInterval, setInterval, setTimeout } from 'node:timers';

const POLL_MS = 500;
const GRACE_MS = 3000;
const parent = Number(process.argv[2]);
if (!Number.isInteger(parent) || parent <= 1) {
  console.error(`orphan-watchdog: expected a process ID, got ${JSON.stringify(process.argv[2])}`);
  process.exit(3);
}

/** pid -> [ppid, start time in clock ticks] (the start time tells a reused PID from the process we saw). */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: the fields after its last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), [Number(fields[1]), fields[19]]);
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

function descendants(root, table) {
  const found = new Map();
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    for (const [child, [ppid, start]] of table) {
      if (ppid === pid && child !== process.pid && !found.has(child)) {
        found.set(child, start);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Running, and not a zombie (a dead process its own parent has not reaped yet still answers kill 0). */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
}

function signalSurvivors(known, signal) {
  const table = processTable();
  let left = 0;
  for (const [pid, start] of known) {
    if (table.get(pid)?.[1] !== start) continue;
    left += 1;
    try {
      process.kill(pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }
  return left;
}

if (process.platform !== 'linux') process.exit(0);
let known = new Map();
const timer = setInterval(() => {
  if (alive(parent)) {
    const table = processTable();
    // Keep what we knew (a child that just re-parented itself) and add what is new.
    known = new Map([...known, ...descendants(parent, table)].filter(([pid]) => table.has(pid)));
    return;
  }
  clearInterval(timer);
  if (signalSurvivors(known, 'SIGTERM') === 0) process.exit(0);
  setTimeout(() => {
    signalSurvivors(known, 'SIGKILL');
    process.exit(0);
  }, GRACE_MS);
}, POLL_MS);
