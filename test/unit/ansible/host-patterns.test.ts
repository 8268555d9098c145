import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyPlays, parseListHosts, playSources, skippedPlays, unmatchedPatterns } from '../../../src/core/ansible/host-patterns.js';

// Real ansible-playbook --list-hosts output (ansible-core 2.19), three plays, two matching nothing.
const LISTED = `
playbook: /p/legacy.yml

  play #1 (tag_Name_frag-demo-app): Legacy app\tTAGS: []
    pattern: ['tag_Name_frag-demo-app']
    hosts (1):
      i-1

  play #2 (tag_Name_frag-demo-nothing): tag_Name_frag-demo-nothing\tTAGS: []
    pattern: ['tag_Name_frag-demo-nothing']
    hosts (0):

  play #3 (nothing2): allowed\tTAGS: [x]
    pattern: ['nothing2']
    hosts (0):
`;

describe('plays that match no host', () => {
  it('are read from --list-hosts with the rendered pattern, the written one and the opt-out marker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-plays-'));
    writeFileSync(
      join(dir, 'legacy.yml'),
      [
        '- name: Legacy app',
        '  hosts: "tag_Name_{{ app_name }}-{{ env_name }}-app"',
        '  tasks: []',
        '- hosts: "tag_Name_{{ app_name }}-{{ env_name }}-nothing"',
        '  tasks: []',
        '- name: allowed',
        '  hosts: nothing2',
        '  vars: { fragctl_allow_no_hosts: true }',
        '  tasks: []',
        '',
      ].join('\n'),
    );
    const listed = parseListHosts(LISTED);
    assert.deepEqual(
      listed.map((p) => [p.index, p.name, p.pattern, p.hosts]),
      [
        [1, 'Legacy app', 'tag_Name_frag-demo-app', ['i-1']],
        [2, 'tag_Name_frag-demo-nothing', 'tag_Name_frag-demo-nothing', []],
        [3, 'allowed', 'nothing2', []],
      ],
    );
    const empty = emptyPlays(listed, () => playSources(join(dir, 'legacy.yml')));
    assert.deepEqual(empty, [
      {
        playbook: '/p/legacy.yml',
        play: 'tag_Name_frag-demo-nothing',
        pattern: 'tag_Name_frag-demo-nothing',
        written: 'tag_Name_{{ app_name }}-{{ env_name }}-nothing',
      },
    ]);
  });

  it("imported playbooks count in Ansible's play numbering", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragctl-plays-'));
    writeFileSync(join(dir, 'inner.yml'), '- hosts: db\n  vars: { fragctl_allow_no_hosts: true }\n  tasks: []\n');
    writeFileSync(join(dir, 'site.yml'), '- import_playbook: inner.yml\n- hosts: web\n  tasks: []\n');
    assert.deepEqual(
      playSources(join(dir, 'site.yml')).map((p) => [p.hosts, p.allowNoHosts]),
      [
        ['db', true],
        ['web', false],
      ],
    );
  });

  it("are found in a run's output, where Ansible only warned", () => {
    const out = [
      '[WARNING]: Could not match supplied host pattern, ignoring: tag_Name_frag-demo-app',
      '',
      'PLAY [Deploy the app] **********',
      'skipping: no hosts matched',
      '',
      'PLAY [Other] *****',
      '',
      'TASK [x] ***',
      'ok: [i-1]',
    ].join('\n');
    assert.deepEqual(skippedPlays(out), ['Deploy the app']);
    assert.deepEqual(unmatchedPatterns(out), ['tag_Name_frag-demo-app']);
  });
});
