// The test process of scripts/run-tests.mjs: runs each test file in a process of its own, in the order
// given (the longest first), and prints each file's report whole when the file ends, so that the
// reports of files running side by side never mix.
//
// How many run side by side follows what they need of the CPU. Each file comes with its demand, the
// share of a core it keeps busy, from the last run (run-tests.mjs; 1 when unknown): about 0.1 to 0.3
// for a Kubernetes file that mostly waits on controllers, near 1 for one running Ansible. `steady`
// files always run; the next one in the order also starts while the demands of those running, with
// its own, stay within `capacity` (the cores, and a little more), up to `most`, or when the CPU has
// been idle a quarter of the time for a second (demands are averages). A fixed number either leaves
// cores idle while files wait or, raised, crowds the CPU when they compute.
//
// `files` are `{ path, key, demand, cluster }` (cluster: the file uses the control plane; when the last such file
// has ended, the parent, run-tests.mjs, is told "cluster-done" over IPC). Writes the files' TAP reports, one after the other, to `tapFile`,
// and per file `<key>\t<wall ms>\t<cpu ms>\t<room>` to `timesFile` (scripts/test-cpu.mjs measures the CPU;
// the room is the share of a core the file could have had, below).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

const { files, cores, steady, most, capacity, namePatterns, tapFile, timesFile } = JSON.parse(process.argv[2]);
const reports = mkdtempSync(join(tmpdir(), 'fragctl-test-reports-'));
const cpuPreload = join(import.meta.dirname, 'test-cpu.mjs');
writeFileSync(tapFile, '');
writeFileSync(timesFile, '');

const pending = files.map((f, index) => ({ ...f, index }));
// Files that use the Kubernetes control plane and have not ended: at none, run-tests.mjs may stop it.
let clusterFiles = files.filter((f) => f.cluster).length;
const running = new Set();
let failed = false;
let finish;
const done = new Promise((resolve) => (finish = resolve));
const demandNow = () => [...running].reduce((sum, r) => sum + r.demand, 0);
const admit = () => {
  while (pending.length && running.size < most && (running.size < steady || demandNow() + pending[0].demand <= capacity)) {
    start(pending.shift());
  }
  if (!pending.length && !running.size) finish();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    pending.length = 0;
    for (const r of running) r.child.kill(signal);
    process.exitCode = 130;
  });
}
// How much of a core each running file could have had: all it wanted while the CPU had room, its fair
// share (cores over files running) while the CPU was saturated. A file's CPU over its wall time, divided
// by this, is its demand whatever else ran beside it (run-tests.mjs records it for the next run).
let lastCpu = cpuTimes();
let idleSamples = 0;
const sampler = setInterval(() => {
  const now = cpuTimes();
  const busy = 1 - (now.idle - lastCpu.idle) / Math.max(1, now.total - lastCpu.total);
  lastCpu = now;
  const room = busy < 0.9 ? 1 : Math.min(1, cores / Math.max(1, running.size));
  for (const r of running) {
    r.room += room;
    r.samples += 1;
  }
  // The demands are averages: files that compute in bursts can all wait at once. When the CPU has had
  // a quarter of its time idle for a whole second, the next file starts even past `capacity`.
  idleSamples = busy < 0.75 ? idleSamples + 1 : 0;
  if (idleSamples >= 2 && pending.length && running.size < most) {
    idleSamples = 0;
    start(pending.shift());
  }
}, 500);
admit();
await done;
clearInterval(sampler);
rmSync(reports, { recursive: true, force: true });
if (failed && !process.exitCode) process.exitCode = 1;

function start({ path, key, demand, cluster, index }) {
  const spec = join(reports, `${index}.spec`);
  const tap = join(reports, `${index}.tap`);
  const cpu = join(reports, `${index}.cpu`);
  const args = [
    '--enable-source-maps',
    '--import',
    cpuPreload,
    '--test-reporter=spec',
    `--test-reporter-destination=${spec}`,
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...namePatterns.map((p) => `--test-name-pattern=${p}`),
    path,
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FRAGCTL_TEST_CPU_FILE: cpu },
  });
  const run = { child, demand, cluster, output: '', started: Date.now(), room: 0, samples: 0 };
  running.add(run);
  child.stdout.on('data', (d) => (run.output += d));
  child.stderr.on('data', (d) => (run.output += d));
  child.on('error', (e) => (run.output += `${e.message}\n`));
  child.on('close', (code, signal) => {
    running.delete(run);
    const ms = Date.now() - run.started;
    // each file's own totals are left out: the run ends with one line for all
    const report = read(spec).replace(/^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) .*\n/gm, '');
    let tapText = read(tap);
    const exit = code === 0 ? '' : `✖ ${key} exited with ${signal ?? `code ${code}`}\n`;
    if (exit) {
      failed = true;
      // A file that fails before its tests report (an import that throws, a crash) still counts.
      if (!/^# fail [1-9]/m.test(tapText)) tapText += `not ok - ${exit.slice(2)}# fail 1\n`;
    }
    process.stdout.write(`${report}${run.output}${exit}`);
    appendFileSync(tapFile, tapText);
    const room = run.samples ? run.room / run.samples : 1;
    appendFileSync(timesFile, `${key}\t${ms}\t${read(cpu) || ''}\t${room.toFixed(3)}\n`);
    if (run.cluster && --clusterFiles === 0) process.send?.('cluster-done');
    admit();
  });
}

/** Idle and total CPU time over all cores since boot (ms). */
function cpuTimes() {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
