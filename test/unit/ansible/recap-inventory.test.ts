import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecap } from '../../../src/core/ansible/recap.js';
import { dynamicInventory, safeGroupName, staticInventory } from '../../../src/core/ansible/inventory.js';
import { readPlaybook } from '../../../src/core/ansible/plays.js';

const OUTPUT = `
TASK [x] ***
ok: [i-1]

PLAY RECAP *********************************************************************
i-1                        : ok=7    changed=4    unreachable=0    failed=0    skipped=7    rescued=0    ignored=0
kb.example                 : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0
`;

describe('PLAY RECAP', () => {
  it('parses every host line', () => {
    const hosts = parseRecap(OUTPUT);
    assert.deepEqual(hosts['i-1'], { ok: 7, changed: 4, unreachable: 0, failed: 0, skipped: 7, rescued: 0, ignored: 0 });
    assert.equal(hosts['kb.example']?.unreachable, 1);
  });
  it('no recap, no hosts', () => assert.deepEqual(parseRecap('ERROR! boom'), {}));
});

describe('inventories', () => {
  it("safe group names survive Ansible's rules", () => {
    assert.equal(safeGroupName('app'), 'app');
    assert.equal(safeGroupName('dev-2'), 'dev_2');
    assert.equal(safeGroupName('9lives'), '_9lives');
    assert.equal(safeGroupName('a.b c'), 'a_b_c');
  });
  it('static inventory: connection vars per host, groups as children', () => {
    const inv = staticInventory([
      { name: 'i-1', address: 'ec2-1.example', user: 'ubuntu', groups: ['app'] },
      { name: 'i-2', address: 'localhost', groups: ['knowledge-x'], connection: 'local', vars: { deploy_root: '/tmp/r' } },
    ]) as { all: { hosts: Record<string, Record<string, unknown>>; children: Record<string, { hosts: Record<string, unknown> }> } };
    assert.deepEqual(inv.all.hosts['i-1'], { ansible_host: 'ec2-1.example', ansible_user: 'ubuntu' });
    assert.equal(inv.all.hosts['i-2']?.ansible_connection, 'local');
    assert.ok(!('ansible_host' in inv.all.hosts['i-2']!));
    assert.deepEqual(Object.keys(inv.all.children).sort(), ['app', 'knowledge_x']);
  });
  it('dynamic inventory: groups, env group, all, _meta.hostvars', () => {
    const inv = dynamicInventory(
      [
        { name: 'i-1', address: 'a', groups: ['app'] },
        { name: 'i-2', address: 'b', groups: ['worker'] },
      ],
      ['dev_2'],
    );
    assert.deepEqual(inv.all.children, ['ungrouped', 'app', 'dev_2', 'worker']);
    assert.deepEqual(inv.dev_2, { hosts: ['i-1', 'i-2'] });
    assert.deepEqual(inv._meta.hostvars['i-2'], { ansible_host: 'b' });
  });
});

describe('playbook facts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-plays-'));
  it('target groups and the destructive marker', async () => {
    writeFileSync(join(dir, 'a.yml'), '- name: Wipe\n  hosts: app:knowledge:!worker\n  vars: { fragctl_destructive: true }\n  tasks: []\n');
    writeFileSync(join(dir, 'b.yml'), '# fragctl: destructive\n- hosts: all\n  tasks: []\n');
    writeFileSync(join(dir, 'c.yml'), '- name: a task list\n  ansible.builtin.debug: { msg: hi }\n');
    const a = await readPlaybook(join(dir, 'a.yml'));
    assert.deepEqual(a.groups, ['app', 'knowledge']);
    assert.equal(a.destructive, true);
    assert.equal(a.name, 'Wipe');
    assert.equal((await readPlaybook(join(dir, 'b.yml'))).destructive, true);
    assert.equal((await readPlaybook(join(dir, 'c.yml'))).isPlaybook, false);
  });
});
