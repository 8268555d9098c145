/**
 * How fragctl hands Ansible its inputs (a fixture playbook records them on the hosts): inventory
 * 0600 in a 0700 directory, gone afterwards; and an interrupted run ends with 130 and leaves nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragctl, nodeScript, ROOT } from '../../helpers/cli.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };

describe('ansible-playbook inputs', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(1);
  });
  after(async () => ssh?.stop());

  it('inventory 0600 in a private 0700 directory, removed afterwards; variables arrive', async () => {
    const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
    copyFileSync(join(ROOT, 'test', 'fixtures', 'playbooks', 'probe.yml'), join(dir, 'playbooks', 'probe.yml'));
    const r = await fragctl(['lab', 'deploy', '--roles', 'probe', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 0, r.stderr);
    const probe = readFileSync(join(ssh.hosts[0]!.deployRoot, 'probe.txt'), 'utf8');
    assert.match(probe, /^inventory_mode=600$/m);
    assert.match(probe, /^workdir_mode=700$/m);
    assert.match(probe, /^app_name=frag env_name=lab db_port=5432$/m);
    assert.match(probe, /^sandbox=True$/m);
    assert.ok(probe.includes(`inventory_dir=${join(dir, '.fragctl', 'tmp')}`));
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);

    // --tags reaches Ansible: only the tagged task is run (and skipped by its `when`); the copy is not
    rmSync(join(ssh.hosts[0]!.deployRoot, 'probe.txt'));
    const tagged = await fragctl(['lab', 'deploy', '--roles', 'probe', '--tags', 'probe-wait', '--project-dir', dir], { env: VAULT });
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.ok(!existsSync(join(ssh.hosts[0]!.deployRoot, 'probe.txt')));
  });

  it("Ctrl-C stops Ansible, exits 130 and removes the run's files", async () => {
    const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
    copyFileSync(join(ROOT, 'test', 'fixtures', 'playbooks', 'probe.yml'), join(dir, 'playbooks', 'probe.yml'));
    const envFile = join(dir, 'environments', 'lab.yml');
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as { local: { hosts: Array<{ vars: Record<string, unknown> }> } };
    env.local.hosts[0]!.vars.probe_wait = true;
    writeFileSync(envFile, JSON.stringify(env));
    const child = spawn(
      process.execPath,
      [...nodeScript(join(ROOT, 'bin', 'fragctl.ts')), 'lab', 'deploy', '--roles', 'probe', '--project-dir', dir],
      {
        env: { ...process.env, ...VAULT, CI: 'true', NO_COLOR: '1', PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('TASK [Wait to be interrupted]') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c ?? -1));
    });
    assert.equal(code, 130, stderr);
    assert.ok(Date.now() - started < 45_000, 'the pause was not interrupted');
    assert.match(stderr, /interrupted: ansible-playbook playbooks\/probe\.yml was stopped/);
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);
  });
});
