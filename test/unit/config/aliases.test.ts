import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probableSetting, settingWarnings } from '../../../src/core/config/aliases.js';
import { loadProject } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

describe('settings under another name', () => {
  it("older tools' names and typos point at the fragctl setting; Ansible variables do not", () => {
    assert.equal(probableSetting('region'), 'aws_region');
    assert.equal(probableSetting('base_ami'), 'base_image_id');
    assert.equal(probableSetting('remote_user'), 'ssh_user');
    assert.equal(probableSetting('keyname'), 'key_name');
    assert.equal(probableSetting('app_nmae'), 'app_name');
    assert.equal(probableSetting('db_instnce_class'), 'db_instance_class');
    for (const k of ['app_port', 'app_repo_url', 'db_host', 'ssh_port', 'type', 'nginx_workers', 'aws_region'])
      assert.equal(probableSetting(k), undefined, k);
  });

  it('warn once per key, only when the setting itself is not set', () => {
    const w = settingWarnings(
      { app_name: 'x', region: 'eu-west-1', base_ami: 'ami-1', remote_user: 'admin', keyname: 'k', ssh_user: 'ubuntu' },
      'all.yml',
    );
    assert.deepEqual(
      w.map((x) => [x.key, x.setting]),
      [
        ['region', 'aws_region'],
        ['base_ami', 'base_image_id'],
        ['keyname', 'key_name'],
      ],
    );
    assert.match(w[0]!.message, /^all\.yml: region is not a fragctl setting: did you mean aws_region\?/);
  });

  it('reach the project as warnings (the core prints nothing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-alias-'));
    mkdirSync(join(dir, 'playbooks', 'group_vars'), { recursive: true });
    writeFileSync(join(dir, 'playbooks', 'group_vars', 'all.yml'), 'app_name: shop\nregion: eu-west-1\n');
    const p = loadProject(dir);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /did you mean aws_region\?/);
    assert.equal(p.shared.aws_region, 'us-east-1');
  });

  it('a missing all.yml next to a sample names the sample', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-alias-'));
    mkdirSync(join(dir, 'playbooks', 'group_vars'), { recursive: true });
    writeFileSync(join(dir, 'playbooks', 'group_vars', 'all-sample.yml'), 'app_name: shop\n');
    try {
      loadProject(dir);
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof UserError);
      assert.match(e.hint ?? '', /^copy playbooks\/group_vars\/all-sample\.yml to playbooks\/group_vars\/all\.yml/);
    }
    const other = mkdtempSync(join(tmpdir(), 'fragctl-alias-'));
    mkdirSync(join(other, 'playbooks', 'group_vars'), { recursive: true });
    writeFileSync(join(other, 'playbooks', 'group_vars', 'all.yml.example'), 'app_name: shop\n');
    assert.throws(
      () => loadProject(other),
      (e: UserError) => /copy playbooks\/group_vars\/all\.yml\.example/.test(e.hint ?? ''),
    );
  });
});
