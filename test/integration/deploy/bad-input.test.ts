/**
 * Bad input for deploy: each a clear message, a non-zero exit, and nothing run on the hosts.
 * The lab's roles are slim (one task each): this file is about refusals and failures, not the roles.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragctl } from '../../helpers/cli.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };

describe('deploy: bad input', () => {
  let ssh: SshHosts;
  let dir: string;
  const layout = [
    { name: 'web1', groups: ['app'] },
    { name: 'kb1', groups: ['knowledge'] },
  ];
  /** The lab project, its roles slim. */
  const lab = (opts: { key?: boolean } = {}) => labProject(ssh, layout, { ...opts, slim: true });
  const nothingRan = (): void => {
    for (const h of ssh.hosts) assert.deepEqual(filesUnder(h.deployRoot), [], `${h.name} received something`);
  };
  before(async () => {
    ssh = await startSshHosts(2);
  });
  after(async () => ssh?.stop());

  it('refuses a key readable by others, with the exact chmod hint', async () => {
    dir = lab();
    chmodSync(join(dir, 'keys', 'frag-deploy.pem'), 0o644);
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /SSH private key keys\/frag-deploy.pem is too open \(mode 0644\)/);
    assert.match(r.stderr, /hint: +chmod 600 keys\/frag-deploy\.pem\n/);
    nothingRan();
  });

  it('names a missing key', async () => {
    dir = lab({ key: false });
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /missing SSH private key keys\/frag-deploy\.pem/);
    nothingRan();
  });

  it('catches a playbook syntax error before any playbook runs', async () => {
    dir = lab();
    writeFileSync(join(dir, 'playbooks', 'app.yml'), '- name: broken\n  hosts: app\n  taskz: []\n');
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /playbook playbooks\/app\.yml has a syntax error: .*taskz/);
    assert.match(r.stderr, /nothing was run/);
    nothingRan(); // database.yml and knowledge.yml come first in deploy_order and did not run either
  });

  it('says Ansible is missing when ansible-playbook is not on PATH', async () => {
    dir = lab();
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: { ...VAULT, PATH: '/usr/bin:/bin' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ansible-playbook is not installed \(not found on PATH\)/);
    assert.match(r.stderr, /hint: +install Ansible/);
  });

  it('a wrong or missing vault password stops before anything runs', async () => {
    dir = lab();
    const wrong = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: { FRAGCTL_VAULT_PASSWORD: 'not-the-password' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /wrong vault password/);
    assert.ok(!wrong.stderr.includes('not-the-password'));
    const none = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: { FRAGCTL_VAULT_PASSWORD: '' } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs a password/);
    nothingRan();
  });

  it('unknown groups, roles and hosts; an environment with no hosts', async () => {
    dir = lab();
    const group = await fragctl(['lab', 'hosts', '--group', 'nope', '--project-dir', dir]);
    assert.equal(group.code, 2);
    assert.match(group.stderr, /unknown group "nope"/);
    const role = await fragctl(['lab', 'deploy', '--roles', 'nope', '--project-dir', dir], { env: VAULT });
    assert.equal(role.code, 2);
    assert.match(role.stderr, /no playbook knows the group "nope"/);
    const empty = await fragctl(['lab', 'deploy', '--roles', 'broker', '--project-dir', dir], { env: VAULT });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^error: no host of lab is in group broker, which the playbooks name/m);
    assert.match(empty.stderr, /hint: +add a host with that group under local\.hosts in environments\/lab\.yml/);
    assert.doesNotMatch(empty.stderr, /tag contract|Name=<app>/, 'no AWS words for listed hosts');
    const limit = await fragctl(['lab', 'deploy', '--limit', 'web9', '--project-dir', dir], { env: VAULT });
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit web9 matches no host/);
    writeFileSync(join(dir, 'environments', 'bare.yml'), 'platform: local\nlocal: {}\n');
    const bare = await fragctl(['bare', 'deploy', '--project-dir', dir], { env: VAULT });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /environment bare lists no hosts/);
    nothingRan();
  });

  it('a --limit or --tags that leaves the playbooks nothing to do is refused, not reported as done', async () => {
    dir = lab();
    const deploy = await fragctl(['lab', 'deploy', '--roles', 'app', '--limit', 'kb1', '--json', '--project-dir', dir], { env: VAULT });
    assert.equal(deploy.code, 2, deploy.stderr);
    assert.equal(JSON.parse(deploy.stdout).error.code, 'LIMIT_UNKNOWN');
    assert.match(deploy.stderr, /error: --limit kb1 leaves no host to playbooks\/app\.yml: nothing was run/);
    assert.doesNotMatch(deploy.stderr, /✔/);
    const task = await fragctl(['lab', 'run', 'clean-tables', '--limit', 'kb1', '--yes', '--project-dir', dir], { env: VAULT });
    assert.equal(task.code, 2, task.stderr);
    assert.match(task.stderr, /--limit kb1 leaves no host to playbooks\/tasks\/clean-tables\.yml/);
    assert.doesNotMatch(task.stderr, /task clean-tables done/);
    const tags = await fragctl(['lab', 'deploy', '--roles', 'app', '--tags', 'no-such-tag', '--project-dir', dir], { env: VAULT });
    assert.equal(tags.code, 2, tags.stderr);
    assert.match(tags.stderr, /error: --tags no-such-tag selects no task of playbooks\/app\.yml on any host: nothing was run/);
    nothingRan();
  });

  it('an unreachable host fails the deploy, named, and later roles do not run', async () => {
    dir = lab();
    await ssh.stopHost('host2');
    const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: deploy to lab failed in role knowledge: kb1 unreachable/);
    assert.match(r.stderr, /not run: app/);
    assert.match(r.stderr, /web1 +app +changed/); // database.yml ran on it before knowledge failed
    assert.deepEqual(filesUnder(ssh.hosts[1]!.deployRoot), []);
    assert.ok(!filesUnder(ssh.hosts[0]!.deployRoot).includes('etc/systemd/system/frag-app.service'), 'app ran after a failed role');
    assert.deepEqual(filesUnder(join(dir, '.fragctl', 'tmp')), [], 'the failed run left its inventory behind');
  });
});
