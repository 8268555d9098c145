/** The review table update and plan print: resources, their changed properties before → after, parameters. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changeTable } from '../../../src/cli/change-table.js';

describe('changeTable', () => {
  it('a property row under its resource, with before → after and recreation; a secret parameter without values', () => {
    const out = changeTable(
      [
        {
          action: 'Modify',
          logicalId: 'Database',
          type: 'AWS::RDS::DBInstance',
          replacement: 'False',
          properties: [{ path: 'Properties.DBInstanceClass', before: 'db.t3.micro', after: 'db.t3.small', recreation: 'Never' }],
        },
      ],
      [
        { name: 'DbPassword', before: '****', after: '****', secret: true },
        { name: 'AppMaxSize', before: '2', after: '4', secret: false },
      ],
    );
    const lines = out.split('\n');
    assert.match(lines[0]!, /ACTION\s+RESOURCE\s+TYPE\s+REPLACEMENT\s+BEFORE → AFTER/);
    assert.match(lines[1]!, /^Modify\s+Database\s+AWS::RDS::DBInstance\s+False$/);
    assert.match(lines[2]!, /^\s+Properties\.DBInstanceClass\s+recreation: Never\s+db\.t3\.micro → db\.t3\.small$/);
    assert.match(out, /DbPassword\s+changed \(secret, values not shown\)/);
    assert.match(out, /AppMaxSize\s+2 → 4/);
    assert.doesNotMatch(out, /only parameters change/);
  });

  it('parameters only: said so', () => {
    assert.match(
      changeTable([], [{ name: 'EnableWorkers', before: 'false', after: 'true', secret: false }]),
      /no resource changes: only parameters change/,
    );
  });
});
