/**
 * A bake checks Ansible and the image playbook before RunInstances: a removed keyword, a module
 * from a collection that is not installed, a play that matches no host and a missing
 * ansible-playbook each stop it with exit 2 and a hint, and no instance exists afterwards.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { clients, lifecycleProject, run, show } from './helpers.js';

describe('bake preflight (moto)', () => {
  let moto: Moto;
  let ec2: EC2Client;
  before(async () => {
    moto = await startMoto();
    ec2 = clients(moto.url).ec2;
  });
  afterEach(async () => moto.reset());
  after(async () => moto?.stop());

  async function instances(): Promise<number> {
    const d = await ec2.send(new DescribeInstancesCommand({}));
    return (d.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
  }
  function project(imageYml: string): string {
    const dir = lifecycleProject({ testImage: true });
    writeFileSync(join(dir, 'playbooks', 'image.yml'), imageYml);
    return dir;
  }

  it('a removed keyword (sudo:) names its replacement; nothing is launched', async () => {
    const dir = project('- name: Bake the image\n  hosts: image\n  sudo: yes\n  roles: [imagebase]\n');
    const r = await run(dir, moto.url, ['demo', 'bake']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /playbook playbooks\/image\.yml uses `sudo:`, which Ansible removed \(.*image\.yml:3:3\)/);
    assert.match(r.stderr, /hint: +replace it with become: true/);
    assert.equal(await instances(), 0);
  });

  it('sudo_user: in a task names become_user:', async () => {
    const dir = project(
      '- hosts: image\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: { msg: hi }\n      sudo_user: deploy\n',
    );
    const r = await run(dir, moto.url, ['demo', 'bake']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /uses `sudo_user:`/);
    assert.match(r.stderr, /become_user:/);
    assert.equal(await instances(), 0);
  });

  it('a module whose collection is not installed names the collection; nothing is launched', async () => {
    const dir = project('- hosts: image\n  gather_facts: false\n  tasks:\n    - postgresql_user: { name: app }\n');
    // Hides the collections bundled with the ansible package, as on a machine with ansible-core alone.
    const r = await run(dir, moto.url, ['demo', 'bake'], { ANSIBLE_COLLECTIONS_SCAN_SYS_PATH: 'false' });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /Ansible cannot find the module postgresql_user \(collection community\.postgresql, not installed\)/);
    assert.match(r.stderr, /hint: +install it: ansible-galaxy collection install community\.postgresql/);
    assert.equal(await instances(), 0);
  });

  it('a play that matches no host (and a --dry-run) stops before the launch', async () => {
    const dir = project('- name: Bake the image\n  hosts: builders\n  roles: [imagebase]\n');
    for (const extra of [[], ['--dry-run']]) {
      const r = await run(dir, moto.url, ['demo', 'bake', ...extra]);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /playbook playbooks\/image\.yml: play "Bake the image" matches no host: hosts: builders/);
    }
    assert.equal(await instances(), 0);
  });

  it('ansible-playbook missing: exit 2 with how to install it, nothing launched', async () => {
    const dir = lifecycleProject({ testImage: true });
    const r = await run(dir, moto.url, ['demo', 'bake'], { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /ansible-playbook is not installed/);
    assert.match(r.stderr, /hint: +install Ansible/);
    assert.equal(await instances(), 0);
  });
});
