import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject, loadEnvironment } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

function project(allYml: string, envs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-rules-'));
  mkdirSync(join(dir, 'playbooks', 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'environments'));
  writeFileSync(join(dir, 'playbooks', 'group_vars', 'all.yml'), allYml);
  for (const [name, text] of Object.entries(envs)) writeFileSync(join(dir, 'environments', `${name}.yml`), text);
  return dir;
}

/** Loads environment `env` and returns the error it is refused with. */
function refusal(allYml: string, envs: Record<string, string>, env: string): UserError {
  const p = loadProject(project(allYml, envs));
  try {
    loadEnvironment(p, env);
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail(`expected ${env} to be refused`);
}

test('platform: kubernetes without a kubernetes: block is refused when the environment loads', () => {
  const e = refusal('app_name: shop\n', { k: 'platform: kubernetes\n' }, 'k');
  assert.equal(e.message, 'environments/k.yml: kubernetes: platform: kubernetes needs a kubernetes: mapping');
  assert.equal(e.code, 'KUBE_SETTINGS');
  assert.match(e.hint ?? '', /add a "kubernetes:" mapping to environments\/k\.yml/);
  assert.deepEqual(e.details, []);
});

test('aws.connection: bastion without aws.bastion is refused, under BASTION_MISSING', () => {
  const e = refusal('app_name: shop\n', { b: 'aws:\n  connection: bastion\n' }, 'b');
  assert.equal(e.message, 'environments/b.yml: aws.bastion: aws.connection: bastion needs a bastion host');
  assert.equal(e.code, 'BASTION_MISSING');
  const p = loadProject(project('app_name: shop\n', { b: 'aws:\n  connection: bastion\n  bastion: { host: bastion.example.com }\n' }));
  assert.equal(loadEnvironment(p, 'b').aws.bastion?.host, 'bastion.example.com');
});

test('app_desired_capacity above app_max_size: the error names the file that sets it', () => {
  // Overridden in the environment file: that file and settings.<key>.
  const env = refusal('app_name: shop\n', { qa: 'settings:\n  app_desired_capacity: 3\n' }, 'qa');
  assert.equal(env.message, 'environments/qa.yml: settings.app_desired_capacity: app_desired_capacity (3) is above app_max_size (2)');
  assert.equal(env.code, 'CONFIG_INVALID');
  // Set in the shared file only: that file and the key.
  const shared = refusal('app_name: shop\napp_desired_capacity: 0\napp_min_size: 1\n', { qa: '' }, 'qa');
  assert.equal(shared.message, 'playbooks/group_vars/all.yml: app_desired_capacity: app_desired_capacity (0) is below app_min_size (1)');
});

test('app_min_size above app_max_size is refused; single mode and other platforms do not use the group', () => {
  const e = refusal('app_name: shop\n', { qa: 'settings:\n  app_min_size: 3\n  app_desired_capacity: 3\n' }, 'qa');
  assert.equal(e.message, 'environments/qa.yml: settings.app_min_size: app_min_size (3) is above app_max_size (2)');
  assert.deepEqual(e.details, ['environments/qa.yml: settings.app_desired_capacity: app_desired_capacity (3) is above app_max_size (2)']);
  const p = loadProject(
    project('app_name: shop\napp_min_size: 3\n', {
      single: 'settings:\n  app_server_mode: single\n',
      local: 'platform: local\n',
      fine: 'settings:\n  app_min_size: 2\n  app_desired_capacity: 4\n  app_max_size: 4\n',
    }),
  );
  assert.equal(loadEnvironment(p, 'single').settings.app_server_mode, 'single');
  assert.equal(loadEnvironment(p, 'local').platform, 'local');
  assert.equal(loadEnvironment(p, 'fine').settings.app_desired_capacity, 4);
});

test('several broken rules are reported at once, each with its file and dotted path', () => {
  const e = refusal(
    'app_name: shop\n',
    {
      both: 'aws:\n  connection: bastion\nsettings:\n  app_desired_capacity: 9\n  app_min_size: 0\n',
    },
    'both',
  );
  assert.equal(e.message, 'environments/both.yml: aws.bastion: aws.connection: bastion needs a bastion host');
  assert.deepEqual(e.details, ['environments/both.yml: settings.app_desired_capacity: app_desired_capacity (9) is above app_max_size (2)']);
  assert.equal(e.code, 'CONFIG_INVALID', 'different rules: the general code');
  assert.match(e.hint ?? '', /bastion\.example\.com.*; keep app_min_size ≤ app_desired_capacity ≤ app_max_size/);
});
