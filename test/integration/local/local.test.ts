/**
 * Local dry runs: `up|provision|destroy` with the stand-in vagrant (its ssh-config points at sshd
 * test hosts) and with a static host list; management tasks (`run`) with confirmation.
 * Slim roles (test/helpers/slim.ts): vagrant and tasks are tested here, not the roles; dbclient stays full for clean-tables' secret check.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyProject, fragctl, ROOT } from '../../helpers/cli.js';
import { slimRoles } from '../../helpers/slim.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from '../deploy/lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };
const VAGRANT_PATH = { PATH: `${join(ROOT, 'test', 'fixtures', 'vagrant')}:${join(ROOT, '.venv', 'bin')}:${process.env.PATH}` };

describe('local environments', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(2);
  });
  after(async () => ssh?.stop());

  it('vagrant: up runs vagrant up, reads ssh-config and provisions the role; destroy destroys', async () => {
    const dir = copyProject();
    slimRoles(dir);
    const vdir = join(dir, 'vagrant');
    mkdirSync(vdir);
    const [web, kb] = ssh.hosts;
    const block = (name: string, h: typeof web) =>
      `Host ${name}\n  HostName ${h!.address}\n  User ${h!.user}\n  Port ${h!.port}\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  IdentityFile ${ssh.privateKey}\n  IdentitiesOnly yes\n`;
    writeFileSync(join(vdir, 'vagrant-ssh-config'), `${block('web', web)}\n${block('kb', kb)}`);
    writeFileSync(
      join(dir, 'environments', 'vm.yml'),
      'platform: local\nlocal:\n  vagrant:\n    dir: vagrant\n    groups: { app: [web], knowledge: [kb] }\n',
    );
    // A Vagrant machine is a real machine (fragctl_sandbox false); on these shared test hosts the
    // roles are sandboxed with playbook host_vars, which Ansible ranks above inventory variables.
    mkdirSync(join(dir, 'playbooks', 'host_vars'));
    for (const [name, h] of [
      ['web', web],
      ['kb', kb],
    ] as const) {
      writeFileSync(
        join(dir, 'playbooks', 'host_vars', `${name}.yml`),
        `fragctl_sandbox: true\ndeploy_root: ${h!.deployRoot}\nansible_python_interpreter: /usr/bin/python3\n`,
      );
    }
    const hosts = await fragctl(['vm', 'hosts', '--json', '--project-dir', dir], { env: VAGRANT_PATH });
    assert.equal(hosts.code, 0, hosts.stderr);
    assert.deepEqual(
      (JSON.parse(hosts.stdout) as Array<{ name: string; group: string }>).map((h) => [h.name, h.group]),
      [
        ['web', 'app'],
        ['kb', 'knowledge'],
      ],
    );

    const up = await fragctl(['vm', 'up', '--role', 'knowledge', '--project-dir', dir], { env: { ...VAGRANT_PATH, ...VAULT } });
    assert.equal(up.code, 0, up.stderr);
    assert.equal(readFileSync(join(vdir, '.vagrant-calls'), 'utf8'), 'up\n');
    assert.ok(existsSync(join(kb!.deployRoot, 'etc/systemd/system/frag-knowledge.service')));
    assert.deepEqual(filesUnder(web!.deployRoot), []);
    assert.match(up.stdout, /kb\s+knowledge\s+changed/);

    const destroy = await fragctl(['vm', 'destroy', '--yes', '--project-dir', dir], { env: VAGRANT_PATH });
    assert.equal(destroy.code, 0, destroy.stderr);
    assert.equal(readFileSync(join(vdir, '.vagrant-calls'), 'utf8'), 'up\ndestroy destroy -f\n');

    const noVagrant = await fragctl(['vm', 'up', '--project-dir', dir], {
      env: { PATH: `${join(ROOT, '.venv', 'bin')}:/usr/bin:/bin`, ...VAULT },
    });
    assert.equal(noVagrant.code, 2);
    assert.match(noVagrant.stderr, /vagrant is not installed/);
  });

  it('tasks: list, pull, a destructive task asks first; destroy removes the sandboxed roots', async () => {
    // clean-tables' secret check needs the real dbclient role: it renders the database password (no_log)
    const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }], { slim: { keep: ['dbclient'] } });
    // default deploy roots: .fragctl/hosts/<name>
    const envFile = join(dir, 'environments', 'lab.yml');
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as { local: { hosts: Array<{ vars: Record<string, unknown> }> } };
    delete env.local.hosts[0]!.vars.deploy_root;
    writeFileSync(envFile, JSON.stringify(env));
    const root = join(dir, '.fragctl', 'hosts', 'web1');

    const list = await fragctl(['lab', 'run', '--list', '--json', '--project-dir', dir]);
    assert.equal(list.code, 0, list.stderr);
    const tasks = JSON.parse(list.stdout) as Array<{ name: string; destructive: boolean }>;
    assert.deepEqual(
      tasks.map((t) => [t.name, t.destructive]),
      [
        ['pull', false],
        ['clean-tables', true],
        ['stop', false],
      ],
    );

    const unknown = await fragctl(['lab', 'run', 'nope', '--project-dir', dir], { env: VAULT });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown task "nope"[\s\S]*clean-tables \(destructive\)/);

    const asked = await fragctl(['lab', 'run', 'clean-tables', '--project-dir', dir], { env: VAULT });
    assert.equal(asked.code, 2, asked.stderr);
    assert.match(asked.stderr, /confirmation needed: task clean-tables is destructive/);
    assert.ok(!existsSync(root), 'a declined destructive task ran');

    // pull updates a deployed host: the directories a deploy creates are there
    for (const d of ['opt/frag', 'etc/frag', 'var/log/frag']) mkdirSync(join(root, d), { recursive: true });
    const pull = await fragctl(['lab', 'run', 'pull', '--project-dir', dir], { env: VAULT });
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(readFileSync(join(root, 'opt/frag/RELEASE'), 'utf8'), /version=main/);

    const clean = await fragctl(['lab', 'run', 'clean-tables', '--yes', '--project-dir', dir], { env: VAULT });
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, /Turn maintenance mode on[\s\S]*Drop and recreate the database[\s\S]*Turn maintenance mode off/);
    assert.ok(!existsSync(join(root, 'etc/frag/maintenance')), 'maintenance mode left on');
    assert.ok(!clean.stderr.includes('JGKn7RtU2R8OcSsXClP9kr2Bjlwu6oaj'));

    const destroy = await fragctl(['lab', 'destroy', '--yes', '--project-dir', dir]);
    assert.equal(destroy.code, 0, destroy.stderr);
    assert.match(destroy.stdout, /removed 1 deploy root/);
    assert.ok(!existsSync(root));
  });
});
