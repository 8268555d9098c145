/** The image inputs: every file the image playbook can read, and the changes named file by file. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeChanges, inputsManifest, playbookInputs } from '../../../src/core/aws/image-inputs.js';

const REFERENCE = join(import.meta.dirname, '..', '..', '..', 'playbooks');

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-inputs-'));
  cpSync(REFERENCE, dir, { recursive: true });
  return dir;
}

describe('image inputs', () => {
  it('the reference image playbook reads its vars_files, group_vars (the vault too) and its role', () => {
    const files = playbookInputs(REFERENCE, 'image.yml', 'frag-image-builder', ['image']).map((f) => f.slice(REFERENCE.length + 1));
    assert.ok(files.includes('image.yml'));
    assert.ok(files.includes('group_vars/all.yml'));
    assert.ok(files.includes('group_vars/all/vault.yml'));
    assert.ok(files.some((f) => f.startsWith('roles/common/')));
    assert.ok(!files.some((f) => f.startsWith('roles/app/')), 'roles the image does not use are not inputs');
    assert.ok(!files.includes('app.yml'));
  });

  it('follows role dependencies, imported tasks, include_vars, playbook templates, host_vars and requirements', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-inputs-'));
    const w = (path: string, text: string): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    w(
      'image.yml',
      '- hosts: all\n  roles: [{ role: base }]\n  tasks:\n    - ansible.builtin.import_tasks: tasks/extra.yml\n    - ansible.builtin.template: { src: motd.j2, dest: /etc/motd }\n',
    );
    w('tasks/extra.yml', '- ansible.builtin.include_vars: { file: vars/pins.yml }\n');
    w('vars/pins.yml', 'pin: 1\n');
    w('templates/motd.j2', 'hello\n');
    w('roles/base/meta/main.yml', 'dependencies:\n  - role: deep\n');
    w('roles/base/tasks/main.yml', '- ansible.builtin.include_role: { name: inner }\n');
    w('roles/deep/files/blob', 'x');
    w('roles/inner/tasks/main.yml', '- debug: { msg: hi }\n');
    w('roles/unused/tasks/main.yml', '- debug: { msg: no }\n');
    w('host_vars/builder.yml', 'a: 1\n');
    w('host_vars/other.yml', 'a: 2\n');
    w('group_vars/image/main.yml', 'b: 1\n');
    w('group_vars/app.yml', 'c: 1\n');
    w('requirements.yml', 'collections:\n  - { name: community.general, version: 9.0.0 }\n');
    const files = playbookInputs(dir, 'image.yml', 'builder', ['image']).map((f) => f.slice(dir.length + 1));
    assert.deepEqual(files, [
      'group_vars/image/main.yml',
      'host_vars/builder.yml',
      'image.yml',
      'requirements.yml',
      'roles/base/meta/main.yml',
      'roles/base/tasks/main.yml',
      'roles/deep/files/blob',
      'roles/inner/tasks/main.yml',
      'tasks/extra.yml',
      'templates/motd.j2',
      'vars/pins.yml',
    ]);
  });

  it('a changed group_vars/all.yml changes the hash and is named; the base image too', () => {
    const dir = copy();
    const before = inputsManifest(dir, 'image.yml', 'b', ['image'], 'ami-1');
    writeFileSync(join(dir, 'group_vars', 'all.yml'), 'common_packages: [htop]\n', { flag: 'a' });
    const after = inputsManifest(dir, 'image.yml', 'b', ['image'], 'ami-2');
    assert.notEqual(before.hash, after.hash);
    assert.deepEqual(describeChanges(before, after), ['the base image changed (ami-1 → ami-2)', 'playbooks/group_vars/all.yml changed']);
    assert.deepEqual(describeChanges(after, after), []);
  });
});
