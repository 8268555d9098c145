/**
 * A project's playbooks/requirements.yml: the roles and collections it names are installed with
 * the real ansible-galaxy (from local sources: a role tarball and a collection built with
 * `ansible-galaxy collection build`; tests never reach the internet), then a deploy over real SSH
 * uses them, and the instance bundle carries them; an unchanged file is not installed again; a bad
 * entry stops the run before Ansible.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fragctl, ROOT } from '../../helpers/cli.js';
import { testContext } from '../../helpers/context.js';
import { bundleFiles } from '../../../src/core/aws/bundle.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };
const GALAXY = join(ROOT, '.venv', 'bin', 'ansible-galaxy');

/** A role tarball (greet) and a collection tarball (fragtest.extras with the role hello), built here. */
function sources(): { role: string; collection: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-galaxy-src-'));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  write(
    'greet/meta/main.yml',
    'galaxy_info: { author: test, description: greet, license: MIT, min_ansible_version: "2.15" }\ndependencies: []\n',
  );
  write(
    'greet/tasks/main.yml',
    '- ansible.builtin.copy: { dest: "{{ deploy_root }}/greet.txt", content: "from the role tarball\\n", mode: "0644" }\n',
  );
  execFileSync('tar', ['czf', join(dir, 'greet.tar.gz'), '-C', dir, 'greet']);
  execFileSync(GALAXY, ['collection', 'init', 'fragtest.extras', '--init-path', join(dir, 'src')]);
  write(
    'src/fragtest/extras/roles/hello/tasks/main.yml',
    '- ansible.builtin.copy: { dest: "{{ deploy_root }}/hello.txt", content: "from the collection\\n", mode: "0644" }\n',
  );
  execFileSync(GALAXY, ['collection', 'build', join(dir, 'src', 'fragtest', 'extras'), '--output-path', dir]);
  return { role: join(dir, 'greet.tar.gz'), collection: join(dir, 'fragtest-extras-1.0.0.tar.gz') };
}

describe('requirements.yml: roles and collections from ansible-galaxy', () => {
  let ssh: SshHosts;
  let src: { role: string; collection: string };
  before(async () => {
    ssh = await startSshHosts(1);
    src = sources();
  });
  after(async () => ssh?.stop());

  const project = (requirements: string): string => {
    const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
    writeFileSync(join(dir, 'playbooks', 'requirements.yml'), requirements);
    writeFileSync(
      join(dir, 'playbooks', 'galaxy.yml'),
      '- name: Use what requirements.yml brought\n  hosts: app\n  gather_facts: false\n  roles: [greet, fragtest.extras.hello]\n',
    );
    return dir;
  };
  const installs = (dir: string): string[] => readdirSync(join(dir, '.fragctl', 'galaxy'));

  it('installs them once, keyed by the file; a deploy over SSH uses them; an unchanged file is not installed again', async () => {
    const dir = project(
      `roles:\n  - src: file://${src.role}\n    name: greet\ncollections:\n  - name: ${src.collection}\n    type: file\n`,
    );
    const first = await fragctl(['lab', 'deploy', '--roles', 'galaxy', '--project-dir', dir], { env: VAULT });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr + first.stdout, /installing the requirements of playbooks\/requirements\.yml with ansible-galaxy/);
    assert.equal(readFileSync(join(ssh.hosts[0]!.deployRoot, 'greet.txt'), 'utf8'), 'from the role tarball\n');
    assert.equal(readFileSync(join(ssh.hosts[0]!.deployRoot, 'hello.txt'), 'utf8'), 'from the collection\n');
    // neither came from the project's own roles
    assert.throws(() => statSync(join(dir, 'playbooks', 'roles', 'greet')));
    const [folder] = installs(dir);
    assert.deepEqual(installs(dir), [folder]);
    assert.ok(statSync(join(dir, '.fragctl', 'galaxy', folder!, 'roles', 'greet', 'tasks', 'main.yml')).isFile());
    assert.ok(statSync(join(dir, '.fragctl', 'galaxy', folder!, 'collections', 'ansible_collections', 'fragtest', 'extras')).isDirectory());

    // the instance bundle of self-configuring instances carries them where Ansible looks beside a playbook
    const paths = bundleFiles(testContext({ dir, env: 'lab' }), {}).map((f) => f.path);
    assert.ok(paths.includes('playbooks/roles/greet/tasks/main.yml'), paths.join('\n'));
    assert.ok(paths.includes('playbooks/collections/ansible_collections/fragtest/extras/roles/hello/tasks/main.yml'), paths.join('\n'));

    const again = await fragctl(['lab', 'deploy', '--roles', 'galaxy', '--project-dir', dir], { env: VAULT });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr + again.stdout, /installing the requirements/);
    assert.deepEqual(installs(dir), [folder]);

    // a changed file gets a folder of its own
    writeFileSync(
      join(dir, 'playbooks', 'requirements.yml'),
      `# pinned\n${readFileSync(join(dir, 'playbooks', 'requirements.yml'), 'utf8')}`,
    );
    const changed = await fragctl(['lab', 'deploy', '--roles', 'galaxy', '--project-dir', dir], { env: VAULT });
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(installs(dir).length, 2);
  });

  it('a source that cannot be installed: exit 2 naming the file and the reason; Ansible never ran, nothing left half-installed', async () => {
    const dir = project('roles:\n  - src: file:///nonexistent/greet.tar.gz\n    name: greet\n');
    rmSync(join(ssh.hosts[0]!.deployRoot, 'greet.txt'), { force: true });
    const r = await fragctl(['lab', 'deploy', '--roles', 'galaxy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /error: ansible-galaxy could not install the requirements of playbooks\/requirements\.yml: /);
    assert.match(r.stderr, /hint: +check the src, name and version of each entry in playbooks\/requirements\.yml/);
    assert.doesNotMatch(r.stderr + r.stdout, /PLAY \[/);
    assert.throws(() => statSync(join(ssh.hosts[0]!.deployRoot, 'greet.txt')));
    assert.deepEqual(installs(dir), []);
  });

  it('a requirements file that is not a list or a mapping of lists: exit 2 before anything runs', async () => {
    const dir = project('roles: [\n');
    const r = await fragctl(['lab', 'deploy', '--roles', 'galaxy', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /playbooks\/requirements\.yml is not valid YAML/);
  });
});
