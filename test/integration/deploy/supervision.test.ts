/**
 * Children die with fragctl: a real deploy (ansible-playbook over SSH to an sshd test host) paused
 * in a task, then fragctl is killed with SIGKILL, or interrupted with SIGINT. Every process fragctl
 * started carries a test mark in its environment; none may be left.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fragctl, nodeScript, ROOT } from '../../helpers/cli.js';
import { markedProcesses, waitNoMarked } from '../../helpers/procs.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };

function waitingProject(ssh: SshHosts): string {
  const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'playbooks', 'probe.yml'), join(dir, 'playbooks', 'probe.yml'));
  const envFile = join(dir, 'environments', 'lab.yml');
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as { local: { hosts: Array<{ vars: Record<string, unknown> }> } };
  env.local.hosts[0]!.vars.probe_wait = true;
  writeFileSync(envFile, JSON.stringify(env));
  return dir;
}

/** Starts a deploy that pauses in "Wait to be interrupted"; resolves once it is there. */
function pausedDeploy(dir: string, mark: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [...nodeScript(join(ROOT, 'bin', 'fragctl.ts')), 'lab', 'deploy', '--roles', 'probe', '--project-dir', dir],
    {
      env: {
        ...process.env,
        ...VAULT,
        ...extraEnv,
        FRAGCTL_TEST_MARK: mark,
        CI: 'true',
        NO_COLOR: '1',
        PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const paused = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('TASK [Wait to be interrupted]')) resolve();
    });
    void closed.then(() => reject(new Error(`fragctl ended before the pause:\n${stderr}`)));
  });
  return { child, paused, closed, stderr: () => stderr };
}

/** A watchdog that answers `ready` and then does nothing at all: what is left alive is fragctl's own doing. */
function idleWatchdog(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fragctl-idle-watchdog-')), 'sh');
  writeFileSync(file, '#!/bin/sh\necho ready\ncat >/dev/null\n');
  chmodSync(file, 0o755);
  return file;
}

const killMarked = (mark: string): void => {
  for (const p of markedProcesses(mark)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};

describe('children die with fragctl', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(1);
  });
  after(async () => ssh?.stop());

  it('kill -9 of fragctl during a deploy: no process it started is left within 5 s', async () => {
    const mark = `FRAGCTL_TEST_MARK=${randomUUID()}`;
    const dir = waitingProject(ssh);
    // The watchdog sends SIGTERM, then SIGKILL after the grace: 2 s here, so that a child slow to
    // honour SIGTERM on a busy machine (ansible-playbook only runs its handler between bytecodes)
    // is still gone well within the 5 s this test allows.
    const run = pausedDeploy(dir, mark.split('=')[1]!, { FRAGCTL_KILL_GRACE_MS: '2000' });
    await run.paused;
    const varsFile = filesUnder(join(dir, '.fragctl', 'tmp')).find((f) => f.endsWith('vars.json'));
    assert.ok(varsFile, 'the run wrote its variables file');
    // It holds the settings (and whatever the vault gave the run): readable by the operator only.
    assert.equal(statSync(join(dir, '.fragctl', 'tmp', varsFile)).mode & 0o777, 0o600);
    const before = markedProcesses(mark);
    assert.ok(
      before.some((p) => p.cmd.includes('ansible-playbook')),
      `ansible-playbook runs under fragctl: ${JSON.stringify(before)}`,
    );
    assert.ok(before.length >= 2, JSON.stringify(before));
    run.child.kill('SIGKILL');
    await run.closed;
    const { left, ms } = await waitNoMarked(mark, 5000);
    assert.deepEqual(left, [], `left ${ms} ms after kill -9`);
    // the run's private files (inventory, variables with the settings) go too: the watchdog removes them last
    const tmp = join(dir, '.fragctl', 'tmp');
    for (let i = 0; i < 50 && filesUnder(tmp).length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(filesUnder(tmp), []);
    console.log(
      `# kill -9: ${before.length} processes (${before.map((p) => p.cmd.split(' ')[0]!.split('/').pop()).join(', ')}) gone in ${ms} ms`,
    );
  });

  it('Ctrl-C during a deploy: exit 130 once the group is gone, naming the task and the hosts', async () => {
    const mark = `FRAGCTL_TEST_MARK=${randomUUID()}`;
    const run = pausedDeploy(waitingProject(ssh), mark.split('=')[1]!, { FRAGCTL_KILL_GRACE_MS: '3000' });
    await run.paused;
    assert.ok(markedProcesses(mark).length >= 2);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const code = await run.closed;
    const ms = Date.now() - t0;
    assert.equal(code, 130, run.stderr());
    // fragctl waited for its children: nothing of the deploy outlives it (the watchdog's token sweep included)
    const { left } = await waitNoMarked(mark, 3500);
    assert.deepEqual(left, []);
    assert.match(
      run.stderr(),
      /interrupted: ansible-playbook playbooks\/probe\.yml was stopped at task "Wait to be interrupted" of play "Probe what fragctl passed"; may be half-done on: web1/,
    );
    console.log(`# Ctrl-C: exit 130 after ${ms} ms`);
  });

  it('Ctrl-C with a watchdog that does nothing: fragctl itself ends the group before it exits 130', async () => {
    const mark = `FRAGCTL_TEST_MARK=${randomUUID()}`;
    const run = pausedDeploy(waitingProject(ssh), mark.split('=')[1]!, {
      FRAGCTL_KILL_GRACE_MS: '3000',
      FRAGCTL_SUPERVISOR_SHELL: idleWatchdog(),
    });
    try {
      await run.paused;
      assert.ok(markedProcesses(mark).some((p) => p.cmd.includes('ansible-playbook')));
      run.child.kill('SIGINT');
      assert.equal(await run.closed, 130, run.stderr());
      // Checked at once: no watchdog sweep exists to hide a fragctl that did not wait (the kernel may still be reaping).
      const { left } = await waitNoMarked(mark, 300);
      assert.deepEqual(left, [], 'alive when fragctl had already exited');
    } finally {
      killMarked(mark);
    }
  });

  it('the check has teeth: after kill -9 with a watchdog that does nothing, ansible-playbook is still running', async () => {
    const mark = `FRAGCTL_TEST_MARK=${randomUUID()}`;
    const run = pausedDeploy(waitingProject(ssh), mark.split('=')[1]!, { FRAGCTL_SUPERVISOR_SHELL: idleWatchdog() });
    try {
      await run.paused;
      run.child.kill('SIGKILL');
      await run.closed;
      await new Promise((r) => setTimeout(r, 2000));
      assert.ok(
        markedProcesses(mark).some((p) => p.cmd.includes('ansible-playbook')),
        'without the watchdog, nothing ends the children of a killed fragctl',
      );
    } finally {
      killMarked(mark);
    }
  });

  it('a supervisor that cannot start: a clear error before anything runs', async () => {
    const dir = waitingProject(ssh);
    rmSync(join(ssh.hosts[0]!.deployRoot, 'probe.txt'), { force: true });
    const r = await fragctl(['lab', 'deploy', '--roles', 'probe', '--project-dir', dir], {
      env: { ...VAULT, FRAGCTL_SUPERVISOR_SHELL: '/nonexistent/sh' },
      child: true,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot start the process supervisor \(\/nonexistent\/sh\).*nothing was run/);
    assert.doesNotMatch(r.stderr, /TASK \[/);
    assert.ok(!existsSync(join(ssh.hosts[0]!.deployRoot, 'probe.txt')));
    // Before the lock and the run record: nothing of the run exists anywhere.
    assert.deepEqual(filesUnder(join(dir, '.fragctl')), []);
  });
});
