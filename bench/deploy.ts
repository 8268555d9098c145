/**
 * `fragctl lab deploy` on the reference project (two sshd test hosts on 127.0.0.x, the loopback
 * connection the integration deploy tests use: web1 in app, kb1 in knowledge, so the roles
 * database, knowledge and app) against one plain `ansible-playbook` run of the same three
 * playbooks with the same inventory (`fragctl lab inventory --list`, written as a static file),
 * the same vault password file, the same SSH key and the same Ansible settings (pipelining). Runs alternate, after one warm-up of each, on
 * hosts that are already converged. Target: fragctl <= 1.15 x plain ansible-playbook. Exit 1 when missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startSshHosts } from '../test/helpers/ssh-hosts.js';
import { labProject } from '../test/integration/deploy/lab.js';
import { ansibleEnv } from '../src/providers/shell/ansible.js';

import { bundle } from './lib/bundle.js';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 1.15;
const PLAYBOOKS = ['database.yml', 'knowledge.yml', 'app.yml'];

interface Timed {
  ms: number;
  stdout: string;
  stderr: string;
}

function time(cmd: string, args: string[], env: Record<string, string>, cwd: string): Timed {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).slice(-3000)}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Ansible's script-inventory JSON (`--list`) as a static YAML/JSON inventory file. */
function staticInventory(list: string): unknown {
  const { _meta: meta, ...groups } = JSON.parse(list) as { _meta: { hostvars: Record<string, unknown> } } & Record<
    string,
    { hosts?: string[] }
  >;
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const [group, g] of Object.entries(groups) as Array<[string, { hosts?: string[] }]>) {
    if (group === 'all' || !g.hosts?.length) continue;
    children[group] = { hosts: Object.fromEntries(g.hosts.map((h) => [h, null])) };
  }
  return { all: { hosts: meta.hostvars, children } };
}

async function main(): Promise<number> {
  const ssh = await startSshHosts(2);
  const fragctl = await bundle();
  const work = mkdtempSync(join(ROOT, 'node_modules', '.fragctl-bench-deploy-'));
  try {
    const dir = labProject(ssh, [
      { name: 'web1', groups: ['app'] },
      { name: 'kb1', groups: ['knowledge'] },
    ]);
    const vault = join(dir, 'playbooks', 'demo-vault-password');
    const env = { CI: 'true', NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}` };
    const ours = (): Timed =>
      time(process.execPath, [fragctl, 'lab', 'deploy', '--project-dir', dir, '--vault-password-file', vault], env, ROOT);

    const list = time(process.execPath, [fragctl, 'lab', 'inventory', '--list', '--project-dir', dir], env, ROOT).stdout;
    const inventory = join(work, 'inventory.json');
    writeFileSync(inventory, JSON.stringify(staticInventory(list)), { mode: 0o600 });
    // The same Ansible settings fragctl runs with (pipelining above all): the ratio is fragctl's own cost.
    const plainEnv = {
      ...env,
      ...(ansibleEnv() as Record<string, string>),
      ANSIBLE_ROLES_PATH: join(dir, 'playbooks', 'roles'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(work, 'cp'),
    };
    const plainArgs = ['-i', inventory, '--vault-password-file', vault, ...PLAYBOOKS];
    const plain = (): Timed => time(join(ROOT, '.venv', 'bin', 'ansible-playbook'), plainArgs, plainEnv, join(dir, 'playbooks'));

    // Both must do the same work: every role on its host, nothing failed.
    const check = (label: string, out: string): void => {
      for (const h of ['web1', 'kb1'])
        if (!new RegExp(`${h}\\s+:\\s+ok=\\d+.*failed=0`).test(out))
          throw new Error(`${label}: no clean recap for ${h}:\n${out.slice(-2000)}`);
    };
    const warm = ours(); // the first deploy also runs the check; the measured ones find it unchanged
    check('fragctl (warm-up)', warm.stderr + warm.stdout);
    check('ansible-playbook (warm-up)', plain().stdout);

    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const x = ours();
      check('fragctl', x.stderr + x.stdout);
      a.push(x.ms);
      const y = plain();
      check('ansible-playbook', y.stdout);
      b.push(y.ms);
    }
    const ratio = median(a) / median(b);
    console.log(`deploy of ${PLAYBOOKS.map((p) => p.replace('.yml', '')).join(', ')} to 2 sshd hosts; median of ${RUNS} alternating runs`);
    console.log(`  fragctl deploy        ${median(a).toFixed(0).padStart(6)} ms  (${a.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  ansible-playbook      ${median(b).toFixed(0).padStart(6)} ms  (${b.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  fragctl/ansible-playbook ${ratio.toFixed(2)} (target <= ${TARGET})`);
    return ratio <= TARGET ? 0 : 1;
  } finally {
    await ssh.stop();
    rmSync(dirname(fragctl), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
