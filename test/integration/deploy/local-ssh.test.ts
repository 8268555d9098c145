/**
 * Real ansible-playbook over real SSH to sshd test hosts (127.0.0.2, 127.0.0.3): what each host
 * received is read from its deploy root; no secret shows in any output or file fragctl leaves.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fragctl, ROOT } from '../../helpers/cli.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesContaining, filesUnder, labProject } from './lab.js';

const run = promisify(execFile);
const SECRET = 'JGKn7RtU2R8OcSsXClP9kr2Bjlwu6oaj'; // vault_db_password in the reference vault

describe('deploy to a local environment over SSH', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(2);
  });
  after(async () => ssh?.stop());

  it('runs the role playbooks in deploy_order, each host gets only its roles, no secret leaks', async () => {
    const dir = labProject(ssh, [
      { name: 'web1', groups: ['app'] },
      { name: 'kb1', groups: ['knowledge'] },
    ]);
    const r = await fragctl([
      'lab',
      'deploy',
      '--verbose',
      '--project-dir',
      dir,
      '--vault-password-file',
      join(dir, 'playbooks', 'demo-vault-password'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [web, kb] = ssh.hosts.map((h) => h.deployRoot);
    // app host: app unit, settings and the database client settings (database.yml runs from it)
    assert.ok(existsSync(join(web!, 'etc/systemd/system/frag-app.service')));
    assert.ok(existsSync(join(web!, 'etc/frag/database.env')));
    assert.ok(!existsSync(join(web!, 'etc/systemd/system/frag-knowledge.service')));
    // knowledge host: only knowledge
    assert.ok(existsSync(join(kb!, 'etc/systemd/system/frag-knowledge.service')));
    assert.ok(!existsSync(join(kb!, 'etc/systemd/system/frag-app.service')));
    // the contract variables reached the host (from the vars file, not the command line)
    assert.match(readFileSync(join(web!, 'etc/frag/settings.env'), 'utf8'), /lab/);
    // the vault was read by Ansible itself: the password landed where the role renders it
    assert.ok(readFileSync(join(web!, 'etc/frag/database.env'), 'utf8').includes(SECRET));
    // order: database before knowledge before app
    const order = [...r.stderr.matchAll(/deploying (\w+) on/g)].map((m) => m[1]);
    assert.deepEqual(order, ['database', 'knowledge', 'app']);
    // per-host summary on stdout
    assert.match(r.stdout, /web1\s+-\s+app\s+changed/);
    assert.match(r.stdout, /kb1\s+-\s+knowledge\s+changed/);
    // no secret in any output, nor in anything left under .fragctl; the run's scratch files are gone
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!out.includes(SECRET), 'secret in output');
      assert.ok(!out.includes(DEMO_VAULT_PASSWORD), 'vault password in output');
    }
    assert.deepEqual(filesContaining(join(dir, '.fragctl'), SECRET), []);
    assert.deepEqual(filesContaining(join(dir, '.fragctl'), DEMO_VAULT_PASSWORD), []);
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);
    // the --verbose command line shows the vars file, never values
    assert.match(r.stderr, /ansible-playbook -i <tmp>\/inventory.json -e @<tmp>\/vars.json/);

    // check mode, password from the environment, one role: reports, changes nothing on the hosts
    const before = [filesUnder(web!), filesUnder(kb!)];
    const again = await fragctl(['lab', 'deploy', '--check', '--json', '--roles', 'knowledge', '--project-dir', dir], {
      env: { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD },
    });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as {
      ok: boolean;
      check: boolean;
      roles: Array<{ role: string }>;
      hosts: Array<{ name: string; status: string; changed: number }>;
    };
    assert.equal(result.check, true);
    assert.deepEqual(
      result.roles.map((x) => x.role),
      ['knowledge'],
    );
    assert.equal(result.hosts.find((h) => h.name === 'kb1')?.status, 'ok');
    assert.equal(result.hosts.find((h) => h.name === 'web1')?.status, 'not run');
    assert.deepEqual([filesUnder(web!), filesUnder(kb!)], before);
    assert.ok(!again.stdout.includes(DEMO_VAULT_PASSWORD) && !again.stderr.includes(DEMO_VAULT_PASSWORD));
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);
  });

  it('plain ansible reaches the hosts through bin/fragctl-inventory', async () => {
    const dir = labProject(ssh, [
      { name: 'web1', groups: ['app'] },
      { name: 'kb1', groups: ['knowledge'] },
    ]);
    const { stdout } = await run(
      join(ROOT, '.venv', 'bin', 'ansible'),
      ['-i', join(ROOT, 'bin', 'fragctl-inventory'), 'lab', '-m', 'ansible.builtin.command', '-a', 'echo $SSH_CONNECTION'],
      {
        cwd: dir,
        env: { ...process.env, FRAGCTL_ENV: 'lab', FRAGCTL_PROJECT_DIR: dir, ANSIBLE_NOCOLOR: '1' },
      },
    );
    for (const [name, h] of [
      ['web1', ssh.hosts[0]!],
      ['kb1', ssh.hosts[1]!],
    ] as const) {
      assert.match(stdout, new RegExp(`${name} \\| CHANGED \\| rc=0 >>\\n\\S+ \\d+ ${h.address.replace(/\./g, '\\.')} ${h.port}`));
    }
  });

  it('ssh <group> runs a command on the right host with the key', async () => {
    const dir = labProject(ssh, [
      { name: 'web1', groups: ['app'] },
      { name: 'kb1', groups: ['knowledge'] },
    ]);
    // ssh inherits the terminal's stdio: a process of its own, so its output is what we read.
    const r = await fragctl(['lab', 'ssh', 'knowledge', '--project-dir', dir, '--', 'echo', 'on', '$SSH_CONNECTION'], { child: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`on \\S+ \\d+ ${ssh.hosts[1]!.address.replace(/\./g, '\\.')} ${ssh.hosts[1]!.port}`));
    const bad = await fragctl(['lab', 'ssh', 'knowledge/2', '--project-dir', dir, '--', 'true']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /group knowledge has 1 host, not 2/);
  });
});
