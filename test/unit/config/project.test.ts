import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, loadEnvironment } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

function project(allYml: string, envs: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-config-'));
  mkdirSync(join(dir, 'playbooks', 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'environments'));
  writeFileSync(join(dir, 'playbooks', 'group_vars', 'all.yml'), allYml);
  for (const [name, text] of Object.entries(envs)) writeFileSync(join(dir, 'environments', `${name}.yml`), text);
  return dir;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e;
  }
  assert.fail('expected a UserError');
}

test('an empty environment file gets every default; overrides apply on top of shared settings', () => {
  const dir = project('app_name: shop\napp_desired_capacity: 2\nansible_only_key: kept\n', {
    qa: '',
    prod: 'protected: true\nsettings:\n  app_desired_capacity: 5\n  app_max_size: 6\n',
  });
  const p = loadProject(dir);
  const qa = loadEnvironment(p, 'qa');
  assert.equal(qa.platform, 'aws');
  assert.equal(qa.protected, false);
  assert.equal(qa.settings.app_desired_capacity, 2);
  assert.equal(qa.settings.db_instance_class, 'db.t3.micro');
  assert.equal(qa.aws.connection, 'public');
  assert.equal((qa.settings as Record<string, unknown>).ansible_only_key, 'kept');
  const prod = loadEnvironment(p, 'prod');
  assert.equal(prod.protected, true);
  assert.equal(prod.settings.app_desired_capacity, 5);
  assert.deepEqual(p.environmentNames(), ['prod', 'qa']);
});

test('every schema problem is reported at once with file and dotted path', () => {
  const dir = project('app_name: shop\n', { bad: 'platform: mars\naws:\n  connection: carrier-pigeon\n' });
  const e = userError(() => loadEnvironment(loadProject(dir), 'bad'));
  const all = [e.message, ...e.details].join('\n');
  assert.match(all, /environments\/bad\.yml: platform: /);
  assert.match(all, /environments\/bad\.yml: aws\.connection: /);
  assert.equal(e.details.length, 1);
});

test('app_name must be a valid name', () => {
  const e = userError(() => loadProject(project('app_name: My_App\n')));
  assert.match(e.message, /playbooks\/group_vars\/all\.yml: app_name: lower-case letters/);
});

test('a vault-encrypted settings file is named as such', () => {
  const e = userError(() => loadProject(project('$ANSIBLE_VAULT;1.1;AES256\n6162\n')));
  assert.match(e.message, /encrypted vault file/);
});

test('duplicate keys in YAML are a syntax error with line and column', () => {
  const e = userError(() => loadProject(project('app_name: a\napp_name: b\n')));
  assert.match(e.message, /^playbooks\/group_vars\/all\.yml:2:\d+: duplicated mapping key/);
});
