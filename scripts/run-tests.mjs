#!/usr/bin/env node
// Runs the test files under the given folders (default: test/) with Node's own test runner and tsx.
// Node 20's runner does not expand globs, so the files are listed here.
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestCluster } from './test-cluster.mjs';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
for (const root of roots.length ? roots : ['test']) {
  if (statSync(root).isDirectory()) walk(root);
  else files.push(root);
}
// The long integration files first, so that the quick unit files fill the gaps at the end.
files.sort((a, b) => Number(b.includes('integration')) - Number(a.includes('integration')));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
process.env.FRAGCTL_TEST = '1';
// Tests talk only to peers they start on 127.0.0.0/8: never let the AWS SDK's credential chain
// probe the instance metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// Tests import the SDK directly too; its Node 22 reminder is noise in their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The spec reporter for people; a TAP copy to count from for the one summary line at the end.
const tap = join(mkdtempSync(join(tmpdir(), 'fragctl-tests-')), 'results.tap');
const reporters = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
];
// One real Kubernetes control plane for the whole run, when a selected file needs it.
const needsCluster = files.some((f) => readFileSync(f, 'utf8').includes('helpers/cluster.js'));
const cluster = needsCluster && !process.env.FRAGCTL_TEST_KUBECONFIG ? startTestCluster() : undefined;
if (cluster) process.env.FRAGCTL_TEST_CLUSTER = cluster.state;
// Test files run side by side: most of their time is spent waiting on peers (moto, sshd and Ansible,
// the control plane), not on the CPU. Every file starts its own peers on free ports and names its
// own stacks and namespaces, so files never meet. FRAGCTL_TEST_CONCURRENCY=1 runs them one by one.
const concurrency = Number(process.env.FRAGCTL_TEST_CONCURRENCY ?? 3);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`FRAGCTL_TEST_CONCURRENCY=${process.env.FRAGCTL_TEST_CONCURRENCY}: give a whole number of 1 or more`);
  process.exit(2);
}
// test/helpers/cli.ts reads it: `child` runs every CLI call in a child process.
if (!['', 'child', 'in-process'].includes(process.env.FRAGCTL_TEST_CLI ?? '')) {
  console.error(`FRAGCTL_TEST_CLI=${process.env.FRAGCTL_TEST_CLI}: give child or in-process (the default)`);
  process.exit(2);
}
const concurrencyFlag = flags.some((f) => f.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${concurrency}`];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrencyFlag, ...reporters, ...flags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${join(process.cwd(), '.venv', 'bin')}:${process.env.PATH}` },
});
let summary = '';
try {
  const text = readFileSync(tap, 'utf8');
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  summary = `tests: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`;
} catch {
  summary = 'tests: the runner wrote no results';
}
cluster?.stop();
console.log(`\n${summary}`);
process.exit(result.status ?? 1);
