#!/usr/bin/env node
// The embedded local default: fragctl's main job, end to end, against a local AWS endpoint
// (moto) that this script starts on a free loopback port and stops at the end. Nothing leaves
// this machine: the demo environment deploys with Ansible's local connection (each "host" gets
// its own folder under .fragctl/hosts/), because the emulator's instances do not exist.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// The ops project the demo runs in: this repository's reference project, or FRAGCTL_PROJECT_DIR.
const project = process.env.FRAGCTL_PROJECT_DIR || root;
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const moto = spawn(join(root, '.venv/bin/moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
  stdio: 'ignore',
  env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false' },
});
const endpoint = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`${endpoint}/moto-api/`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}
console.error(`demo: local AWS endpoint (moto) on ${endpoint}\n`);

const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  FRAGCTL_POLL_INTERVAL_MS: '200',
  PATH: `${join(root, '.venv/bin')}:${process.env.PATH}`,
};
const vault = join(project, 'playbooks/demo-vault-password');
if (existsSync(vault)) env.FRAGCTL_VAULT_PASSWORD_FILE = vault;

const steps = [
  ['demo', 'validate'],
  ['demo', 'bake'],
  ['demo', 'commission', '--yes'],
  ['demo', 'status'],
  ['demo', 'hosts'],
  ['demo', 'history'],
  ['demo', 'decommission', '--yes'],
];
let code = 0;
try {
  for (const step of steps) {
    console.error(`\n$ fragctl ${step.join(' ')}`);
    const r = spawnSync(process.execPath, [join(root, 'dist/fragctl.js'), ...step], { cwd: project, env, stdio: 'inherit' });
    if (r.status !== 0) {
      code = r.status ?? 1;
      console.error(`demo: "fragctl ${step.join(' ')}" exited ${code}`);
      break;
    }
  }
} finally {
  moto.kill('SIGTERM');
}
process.exit(code);
