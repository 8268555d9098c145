import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybookStream, recapsPerPlaybook } from '../../../src/core/ansible/playbook-stream.js';

const recap = (lines: string[]): string =>
  `PLAY RECAP *********************************************************************\n${lines.join('\n')}\n\n`;
const host = (name: string, ok: number, changed: number, failed = 0, unreachable = 0): string =>
  `${name.padEnd(26)} : ok=${ok}    changed=${changed}    unreachable=${unreachable}    failed=${failed}    skipped=0    rescued=0    ignored=0`;

// Three playbooks in one run: Ansible prints the run's totals so far after each.
const RUN = [
  'PLAY [Prepare the database from the first app host] ****\n\nTASK [x] ***\nchanged: [web1]\n\n',
  recap([host('web1', 3, 2)]),
  'PLAY [Configure the knowledge hosts] ****\n\nTASK [y] ***\nfatal: [kb1]: FAILED! => {"msg": "broke"}\n\n',
  recap([host('kb1', 1, 0, 1), host('web1', 3, 2)]),
].join('');

describe('one run of several playbooks', () => {
  it('gives each playbook its own counts (its recap minus the one before); one not reached has none', () => {
    const per = recapsPerPlaybook(RUN);
    assert.equal(per.length, 2);
    assert.deepEqual(Object.keys(per[0]!.hosts), ['web1']);
    assert.equal(per[0]!.ok, true);
    assert.deepEqual(Object.keys(per[1]!.hosts), ['kb1'], 'web1 did nothing in the second playbook');
    assert.equal(per[1]!.ok, false);
    assert.equal(per[1]!.hosts.kb1?.failed, 1);
  });

  it('tells when each playbook starts, before its first line, however the stream is cut', () => {
    for (const size of [1, 7, 64, RUN.length]) {
      const events: string[] = [];
      const s = new PlaybookStream(
        (l) => events.push(l),
        (i) => events.push(`<start ${i}>`),
      );
      for (let i = 0; i < RUN.length; i += size) s.push(RUN.slice(i, i + size));
      s.end();
      assert.equal(events.join('').replace(/<start \d>/g, ''), RUN, `chunks of ${size}: the stream is passed on whole`);
      const starts = events.map((e, i) => (e.startsWith('<start') ? `${e}${events[i + 1]!.slice(0, 30)}` : '')).filter(Boolean);
      assert.deepEqual(starts, ['<start 0>PLAY [Prepare the database fro', '<start 1>PLAY [Configure the knowledge ']);
      assert.equal(s.current, 1);
    }
  });
});
