/**
 * Startup benchmark: `fragctl --help` and `fragctl <env> template` on the reference
 * project, each against bare `node -e ''` measured in the same run, as ratios. Runs the built CLI
 * (dist/fragctl.js), as operators do. Targets: help ≤ 1.6×, template ≤ 2× bare node.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'fragctl.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(cmd: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cmd, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr}`);
    if (i >= 2) times.push(ms); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

// Interleave the measurements so that machine noise hits all of them alike.
const node = median(['-e', '']);
const help = median([CLI, '--help']);
const template = median([CLI, 'demo', 'template']);
const node2 = median(['-e', '']);
const base = (node + node2) / 2;

const rows = [
  { what: 'fragctl --help', ms: help, ratio: help / base, target: 1.6 },
  { what: 'fragctl demo template', ms: template, ratio: template / base, target: 2 },
];
console.log(`bare node: ${base.toFixed(1)} ms (median of ${RUNS})`);
for (const r of rows) {
  console.log(
    `${r.what.padEnd(24)} ${r.ms.toFixed(1).padStart(7)} ms  ${r.ratio.toFixed(2)}× node  (target ≤ ${r.target}×) ${r.ratio <= r.target ? 'ok' : 'OVER'}`,
  );
}
process.exitCode = rows.every((r) => r.ratio <= r.target) ? 0 : 1;
