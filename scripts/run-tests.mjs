#!/usr/bin/env node
// Runs the test files under the given folders (default: test/) with Node's own test runner
// (scripts/test-run.mjs), compiled to plain JavaScript first (scripts/compile-tests.mjs). The files are
// listed and ordered here; bad input is refused before anything starts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { compileTests } from './compile-tests.mjs';
import { startTestCluster } from './test-cluster.mjs';
import { startMotoZygote } from './test-moto.mjs';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// Options: --test-name-pattern=<regexp> (repeatable) runs only the tests whose names match;
// --with-check runs `npm run check` alongside (npm test does), see below.
const namePatterns = [];
let withCheck = false;
for (const flag of process.argv.slice(2).filter((a) => a.startsWith('-'))) {
  const pattern = /^--test-name-pattern=(.+)$/.exec(flag)?.[1];
  if (flag === '--with-check') withCheck = true;
  else if (pattern !== undefined) namePatterns.push(pattern);
  else {
    console.error(`run-tests: unknown option ${flag} (give test files or folders, --test-name-pattern=<regexp> and --with-check)`);
    process.exit(2);
  }
}
// Test files run side by side: many spend most of their time waiting on peers (moto, sshd and
// Ansible, the control plane), not on the CPU. Every file starts its own peers on free ports and names
// its own stacks and namespaces, so files never meet. `cores + 1` files always run at once, and more,
// up to FRAGCTL_TEST_CONCURRENCY (default 4 per core), while the CPU the files need by the last run
// fits the cores (scripts/test-run.mjs). FRAGCTL_TEST_CONCURRENCY=1 runs them one by one.
const cores = availableParallelism();
const most = Number(process.env.FRAGCTL_TEST_CONCURRENCY ?? 4 * cores);
if (!Number.isInteger(most) || most < 1) {
  console.error(`FRAGCTL_TEST_CONCURRENCY=${process.env.FRAGCTL_TEST_CONCURRENCY}: give a whole number of 1 or more`);
  process.exit(2);
}
const steady = Math.min(most, cores + 1);
if (!['', '0', '1'].includes(process.env.FRAGCTL_TEST_ISOLATE ?? '')) {
  console.error(`FRAGCTL_TEST_ISOLATE=${process.env.FRAGCTL_TEST_ISOLATE}: give 1 (a process per file) or 0`);
  process.exit(2);
}
// test/helpers/cli.ts reads it: `child` runs every CLI call in a child process.
if (!['', 'child', 'in-process'].includes(process.env.FRAGCTL_TEST_CLI ?? '')) {
  console.error(`FRAGCTL_TEST_CLI=${process.env.FRAGCTL_TEST_CLI}: give child or in-process (the default)`);
  process.exit(2);
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
for (const root of roots.length ? roots : ['test']) {
  if (!existsSync(root)) {
    console.error(`run-tests: ${root} does not exist (give test files or folders, e.g. test/unit or test/unit/aws/drift.test.ts)`);
    process.exit(2);
  }
  if (statSync(root).isDirectory()) walk(root);
  else files.push(root);
}
// The longest files first, so that the short ones fill the gaps at the end and no long file starts
// last: each run records how long its files took, and how much CPU they used (in FRAGCTL_CACHE, as
// setup.sh's caches are). A file with no record counts as long when it is an integration test, short
// otherwise, and as needing a whole core.
const timesFile = join(process.env.FRAGCTL_CACHE || join(homedir(), '.cache', 'fragctl'), 'test-times.json');
const times = readTimes(timesFile);
const wallOf = (key) => (Array.isArray(times[key]) ? times[key][0] : times[key]);
const weight = (f) => wallOf(relative(process.cwd(), f)) ?? (f.includes('integration') ? Number.MAX_SAFE_INTEGER : 0);
/** The share of a core a file keeps busy, from 0.05 to 1 (1 when unknown), as the last run measured it. */
const demand = (key) => {
  const share = keptShare(times[key]);
  return share > 0 ? Math.min(1, Math.max(0.05, share)) : 1;
};
files.sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// What each file imports decides where it runs and which peers the run starts (below): read once.
const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const imports = (f, what) => sources.get(f).includes(what);
process.env.FRAGCTL_TEST = '1';
// Tests talk only to peers they start on 127.0.0.0/8: never let the AWS SDK's credential chain
// probe the instance metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// Tests import the SDK directly too; its Node 22 reminder is noise in their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// scripts/test-run.mjs reports: spec for people, a TAP copy to count from for the one summary line
// at the end, and the files' times.
const results = mkdtempSync(join(tmpdir(), 'fragctl-tests-'));
// Every temporary file and folder the test files make (project copies, kubeconfigs, their peers' state)
// goes under one folder of the run's own (TMPDIR), removed with the run's results at its end: a run
// leaves the machine's temporary folder as it found it. A short name: SSH control sockets live below it.
const testTmp = mkdtempSync(join(tmpdir(), 'ft-'));
const tap = join(results, 'results.tap');
const timings = join(results, 'times.tsv');
// Unit files are pure logic: they share one process (one Node start, one load of the modules they
// test) instead of one each. A file that mocks the AWS SDK keeps a process of its own: the mocks patch
// the SDK's clients for the whole process. FRAGCTL_TEST_ISOLATE=1 gives every file its own process.
const isolate = process.env.FRAGCTL_TEST_ISOLATE === '1';
/** The name the shared unit process's times are recorded under. */
const SHARED_KEY = 'test/unit (the files sharing one process)';
const shareable = (f) => relative(process.cwd(), f).startsWith(join('test', 'unit')) && !imports(f, 'aws-sdk-client-mock');
const shared = isolate ? [] : files.filter(shareable);
// One moto loaded for the whole run, forked into a fresh server for each file that asks (a server's
// first calls cost it seconds of CPU loading moto's backends). It loads while the tests compile.
const motoZygote =
  files.some((f) => imports(f, 'helpers/moto.js')) && !process.env.FRAGCTL_TEST_MOTO_ZYGOTE ? startMotoZygote(results) : undefined;
// Every process runs the compiled copies; the CLI children the tests start too (test/helpers/cli.ts
// reads FRAGCTL_TEST_BUILD).
const build = await compileTests(join(import.meta.dirname, '..')).catch((e) => {
  console.error(`run-tests: ${e.message}`);
  process.exit(1);
});
process.env.FRAGCTL_TEST_BUILD = build.dir;
const built = (f) => build.toBuilt(resolve(f));
const ownProcess = shared.length > 1 ? files.filter((f) => !shared.includes(f)) : files;
// `cluster`: the file uses the control plane (test-run.mjs says when the last of those has ended).
const usesCluster = (f) => imports(f, 'helpers/cluster.js');
const runFile = (path, key, cluster) => ({ path, key, demand: demand(key), cluster });
const runFiles = ownProcess.map((f) => runFile(built(f), relative(process.cwd(), f), usesCluster(f)));
if (shared.length > 1) {
  const entry = join(results, 'unit-files.test.mjs');
  writeFileSync(entry, shared.map((f) => `import ${JSON.stringify(pathToFileURL(built(f)).href)};\n`).join(''));
  // Placed by its time, like any other file: not last by default, where it made the tail.
  const entryWeight = wallOf(SHARED_KEY) ?? shared.reduce((sum, f) => sum + weight(f), 0);
  const at = ownProcess.findIndex((f) => weight(f) < entryWeight);
  runFiles.splice(at < 0 ? runFiles.length : at, 0, runFile(entry, SHARED_KEY, shared.some(usesCluster)));
}
// --with-check: the type-checker and the linters (`npm run check`) run beside the tests, at a lower
// priority (nice), so they take the CPU the tests leave while waiting on their peers instead of a
// half-minute of their own before them. Their output comes whole after the tests; a finding fails the run.
const check = withCheck ? startCheck() : undefined;
// One real Kubernetes control plane for the whole run, when a selected file needs it. It comes up while
// the first files run (test/helpers/cluster.ts waits for it).
const needsCluster = files.some(usesCluster);
const cluster = needsCluster && !process.env.FRAGCTL_TEST_KUBECONFIG ? startTestCluster() : undefined;
if (cluster) {
  process.env.FRAGCTL_TEST_CLUSTER = cluster.state;
  // test/helpers/cluster.ts: a cluster thrown away at the end of the run is not tidied as it goes.
  process.env.FRAGCTL_TEST_CLUSTER_DISPOSABLE = '1';
} else delete process.env.FRAGCTL_TEST_CLUSTER_DISPOSABLE;
if (motoZygote) process.env.FRAGCTL_TEST_MOTO_ZYGOTE = (await motoZygote).socket;
// The Python processes Ansible starts for its modules keep their bytecode in a folder of the run's own
// (test/helpers/pyc/sitecustomize.py explains why and how; the SSH hosts get both variables too).
const pycDir = join(results, 'pyc');
// fragctl's user-level cache (cfn-lint's findings by template) is the run's own: the files share it,
// and every run starts without one, as a fresh machine would.
const userCache = join(results, 'cache');
mkdirSync(pycDir);
const pythonPath = [join(import.meta.dirname, '..', 'test', 'helpers', 'pyc'), process.env.PYTHONPATH].filter(Boolean).join(':');
const detectFlag = process.allowedNodeEnvironmentFlags.has('--experimental-detect-module') ? '--no-experimental-detect-module' : '';
const tests = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    join(import.meta.dirname, 'test-run.mjs'),
    JSON.stringify({ files: runFiles, cores, steady, most, capacity: cores + 0.5, namePatterns, tapFile: tap, timesFile: timings }),
  ],
  {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PATH: `${join(process.cwd(), '.venv', 'bin')}:${process.env.PATH}`,
      PYTHONPATH: pythonPath,
      // Node 20.19 and later compile every .js file of a package without a "type" twice, once to detect
      // its module syntax (a tenth of a second per process for the AWS SDK's CommonJS files). Each file
      // here is marked (the compiled copies by their package.json): detection only costs. Only where
      // the Node running the tests knows the flag (a Node without it would refuse to start).
      NODE_OPTIONS: [process.env.NODE_OPTIONS, detectFlag].filter(Boolean).join(' '),
      FRAGCTL_TEST_PYC_DIR: pycDir,
      TMPDIR: testTmp,
      XDG_CACHE_HOME: userCache,
    },
  },
);
// The control plane stops once the last file that uses it has ended, while the others still run, rather
// than after them all.
let clusterStopped;
tests.on('message', (m) => {
  if (m === 'cluster-done') clusterStopped ??= cluster?.stop();
});
const status = await new Promise((resolve) => {
  tests.on('error', () => resolve(1));
  tests.on('close', (code) => resolve(code ?? 1));
});
let summary = '';
try {
  const text = readFileSync(tap, 'utf8');
  // one TAP report per file, one after the other
  const count = (what) => [...text.matchAll(new RegExp(`^# ${what} (\\d+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
  summary = `tests: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`;
} catch {
  summary = 'tests: the runner wrote no results';
}
await (clusterStopped ?? cluster?.stop());
const clusterFailed = cluster && !(await cluster.started);
recordTimes(timesFile, times, timings);
build.remove();
for (const dir of [testTmp, results]) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    console.error(`tests: could not remove ${dir}: ${e.message}`);
  }
}
const checked = await check;
if (checked) process.stdout.write(`\n${checked.output}`);
console.log(`\n${summary}${checked ? `; check: ${checked.code === 0 ? 'passed' : 'FAILED (above)'}` : ''}`);
process.exit(status || checked?.code || (clusterFailed ? 1 : 0));

/** `npm run --silent check` in the background; resolves to its exit code and its whole output. */
function startCheck() {
  const child = spawn('nice', ['-n', '10', 'npm', 'run', '--silent', 'check'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: 1, output: `check: could not start npm run check: ${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The demand kept in a file's record, or undefined (older records hold the wall time alone). */
function keptShare(record) {
  return Array.isArray(record) ? record[2] : undefined;
}

/** Milliseconds per test file (path relative to the repository) from earlier runs; none when unreadable. */
function readTimes(file) {
  try {
    const t = JSON.parse(readFileSync(file, 'utf8'));
    return t && typeof t === 'object' ? t : {};
  } catch {
    return {};
  }
}

/** This run's files replace their earlier times; the others are kept. A write that fails changes only the order. */
function recordTimes(file, earlier, tsv) {
  const now = {};
  try {
    for (const line of readFileSync(tsv, 'utf8').split('\n')) {
      const [key, ms, cpu, room] = line.split('\t').map((v, i) => (i === 0 ? v : Number(v || NaN)));
      if (!key || !Number.isFinite(ms)) continue;
      // Its CPU over its wall time, over the room it had: a file that ran beside many others, on a
      // saturated CPU, took longer for the same CPU and would otherwise look lighter than it is.
      const share = Number.isFinite(cpu) && ms > 0 ? Math.min(1, cpu / ms / (room > 0 ? room : 1)) : undefined;
      // [wall ms, CPU ms, the share of a core it needs] (a plain number: the wall time only)
      now[key] = share === undefined ? ms : [ms, cpu, Math.round(share * 1000) / 1000];
    }
    if (Object.keys(now).length === 0) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ ...earlier, ...now }, null, 1)}\n`);
    renameSync(tmp, file);
  } catch (e) {
    console.error(`tests: could not record the files' times in ${file}: ${e.message}`);
  }
}
