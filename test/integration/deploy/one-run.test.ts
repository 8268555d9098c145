/**
 * A deploy costs one ansible-playbook process: every ansible-playbook fragctl starts goes through
 * a wrapper on PATH that logs its arguments and execs the real one, against sshd test hosts.
 * The lab's roles are slim (one task each): this file is about processes and checks, not the roles.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fragctl, ROOT } from '../../helpers/cli.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const layout = [
  { name: 'web1', groups: ['app'] },
  { name: 'kb1', groups: ['knowledge'] },
];

describe('deploy: one ansible-playbook run', () => {
  let ssh: SshHosts;
  let bin: string;
  let log: string;
  before(async () => {
    ssh = await startSshHosts(2);
    bin = mkdtempSync(join(tmpdir(), 'fragctl-wrap-'));
    log = join(bin, 'calls.log');
    const wrapper = join(bin, 'ansible-playbook');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${join(ROOT, '.venv', 'bin', 'ansible-playbook')}' "$@"\n`, {
      mode: 0o755,
    });
  });
  after(async () => {
    await ssh?.stop();
    rmSync(bin, { recursive: true, force: true });
  });

  /** The ansible-playbook command lines of one fragctl call. */
  const deploy = async (dir: string, extra: string[] = []) => {
    rmSync(log, { force: true });
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir, ...extra], {
      env: { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD, PATH: `${bin}:${join(ROOT, '.venv', 'bin')}:${process.env.PATH}` },
    });
    const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    return { ...r, calls, checks: calls.filter((c) => c.includes('--list-hosts')), runs: calls.filter((c) => !c.includes('--list-hosts')) };
  };
  const playbooksOf = (call: string) => [...call.matchAll(/(\w+)\.yml/g)].map((m) => m[1]);

  it('runs every role in one process; the check runs once, then again only after a change', async () => {
    const dir = labProject(ssh, layout, { slim: true });
    const first = await deploy(dir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.checks.length, 1, 'a first deploy checks the playbooks');
    assert.equal(first.runs.length, 1, `one run, not one per role:\n${first.runs.join('\n')}`);
    assert.deepEqual(playbooksOf(first.runs[0]!), ['database', 'knowledge', 'app']);
    // progress per role, in deploy order, each before its own plays' output
    assert.deepEqual(
      [...first.stderr.matchAll(/deploying (\w+) on (\d) host/g)].map((m) => `${m[1]}:${m[2]}`),
      ['database:1', 'knowledge:1', 'app:1'],
    );
    const at = (s: string) => first.stderr.indexOf(s);
    assert.ok(at('deploying knowledge on') < at('PLAY [Configure the knowledge hosts]'));
    assert.ok(at('PLAY [Prepare the database from the first app host]') < at('deploying knowledge on'));
    assert.ok(at('deploying app on') < at('PLAY [Configure the application servers]'));
    assert.ok(existsSync(join(ssh.hosts[0]!.deployRoot, 'etc/systemd/system/frag-app.service')));
    assert.ok(existsSync(join(ssh.hosts[1]!.deployRoot, 'etc/systemd/system/frag-knowledge.service')));
    assert.match(first.stdout, /web1\s+-\s+app\s+(changed|ok)/);

    const again = await deploy(dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.checks, [], 'inputs unchanged: the check is not run again');
    assert.equal(again.runs.length, 1);
    assert.deepEqual(
      [...again.stderr.matchAll(/deploying (\w+) on/g)].map((m) => m[1]),
      ['database', 'knowledge', 'app'],
    );

    // a role's file changed: checked again (one check, one run)
    appendFileSync(join(dir, 'playbooks', 'roles', 'knowledge', 'tasks', 'main.yml'), '\n# changed\n');
    const changed = await deploy(dir);
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(changed.checks.length, 1, 'a changed role file is checked again');
    assert.equal(changed.runs.length, 1);
    // a changed inventory (a host's variable) too
    const envFile = join(dir, 'environments', 'lab.yml');
    writeFileSync(
      envFile,
      readFileSync(envFile, 'utf8').replace('"ansible_python_interpreter"', '"frag_marker": 1, "ansible_python_interpreter"'),
    );
    const moved = await deploy(dir);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(moved.checks.length, 1, 'a changed inventory is checked again');
    // the check still catches a syntax error after it was cached: nothing runs
    writeFileSync(join(dir, 'playbooks', 'app.yml'), '- name: broken\n  hosts: app\n  taskz: []\n');
    const broken = await deploy(dir);
    assert.equal(broken.code, 2, broken.stderr);
    assert.match(broken.stderr, /playbooks\/app\.yml has a syntax error/);
    assert.deepEqual(broken.runs, []);
  });

  it('--roles runs only those roles, still in one process', async () => {
    const dir = labProject(ssh, layout, { slim: true });
    const r = await deploy(dir, ['--roles', 'app,knowledge', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.runs.length, 1);
    assert.deepEqual(playbooksOf(r.runs[0]!), ['knowledge', 'app']);
    const result = JSON.parse(r.stdout) as { roles: Array<{ role: string; status: string; hosts: string[] }> };
    assert.deepEqual(
      result.roles.map((x) => [x.role, x.status, x.hosts.join(',')]),
      [
        ['knowledge', 'ok', 'kb1'],
        ['app', 'ok', 'web1'],
      ],
    );
  });

  it('a failing role is named with its hosts; later roles do not run', async () => {
    const dir = labProject(ssh, layout, { slim: true });
    for (const h of ssh.hosts) rmSync(h.deployRoot, { recursive: true, force: true });
    appendFileSync(
      join(dir, 'playbooks', 'roles', 'knowledge', 'tasks', 'main.yml'),
      '\n- name: Break on purpose\n  ansible.builtin.fail:\n    msg: knowledge broke\n',
    );
    const r = await deploy(dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.runs.length, 1);
    assert.match(r.stderr, /error: deploy to lab failed in role knowledge: kb1 failed/);
    assert.match(r.stderr, /knowledge broke/); // Ansible's own message streamed
    assert.match(r.stderr, /not run: app/);
    assert.match(r.stderr, /web1 +app +changed/); // database.yml ran on it first
    assert.ok(!filesUnder(ssh.hosts[0]!.deployRoot).includes('etc/systemd/system/frag-app.service'), 'app ran after a failed role');
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), []);
  });
});
