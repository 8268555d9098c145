#!/usr/bin/env node
// Runs every benchmark under bench/ (or those named) one after another; each prints its own
// ratios against the peers it measures in the same run. Exit 1 when any misses its target.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', f)], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${join(process.cwd(), '.venv', 'bin')}:${process.env.PATH}` },
  });
  if (r.status !== 0) failed++;
}
console.log(`\n${files.length - failed} benchmarks met their targets, ${failed} did not`);
process.exit(failed ? 1 : 0);
