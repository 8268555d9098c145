/** Autoscaling groups' rolling-update policies, checked when formations are merged (before any AWS call). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTemplate, mergeFormations } from '../../../src/core/formations/index.js';
import { UserError } from '../../../src/core/errors.js';
import { ROOT } from '../../helpers/cli.js';

const group = (updatePolicy: unknown, maxSize: unknown = '4') => ({
  file: 'formations/web.yaml',
  template: {
    Parameters: { WebMin: { Type: 'Number', Default: 2 } },
    Resources: {
      WebGroup: { Type: 'AWS::AutoScaling::AutoScalingGroup', UpdatePolicy: updatePolicy, Properties: { MinSize: '1', MaxSize: maxSize } },
    },
  },
});

function refused(policy: unknown, maxSize?: unknown): string {
  try {
    mergeFormations([group(policy, maxSize)]);
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.code, 'UPDATE_POLICY');
    return e.message;
  }
  return assert.fail('expected the update policy to be refused');
}

test('the reference app and worker groups roll one instance at a time, keeping instances in service', () => {
  const t = buildTemplate(ROOT) as { Resources: Record<string, { UpdatePolicy?: { AutoScalingRollingUpdate?: Record<string, unknown> } }> };
  for (const [id, min] of [
    ['AppGroup', { Ref: 'AppMinSize' }],
    ['WorkerGroup', { Ref: 'WorkerDesiredCapacity' }],
  ] as const) {
    const rolling = t.Resources[id]?.UpdatePolicy?.AutoScalingRollingUpdate;
    assert.ok(rolling, `${id} has a rolling update policy`);
    assert.deepEqual(rolling.MinInstancesInService, min);
    assert.equal(rolling.MaxBatchSize, 1);
    assert.equal(rolling.PauseTime, 'PT2M');
  }
});

test('a policy with neither rolling nor replacing update is refused, naming the file and the group', () => {
  assert.match(
    refused({}),
    /^formations\/web\.yaml: Resources\.WebGroup\.UpdatePolicy has neither AutoScalingRollingUpdate nor AutoScalingReplacingUpdate/,
  );
});

test('a rolling update without MinInstancesInService is refused', () => {
  assert.match(refused({ AutoScalingRollingUpdate: { MaxBatchSize: 1 } }), /has no MinInstancesInService: CloudFormation's default 0/);
});

test('MinInstancesInService at or above MaxSize is refused, parameter defaults resolved', () => {
  assert.match(
    refused({ AutoScalingRollingUpdate: { MinInstancesInService: { Ref: 'WebMin' } } }, '2'),
    /MinInstancesInService \(2\) must be less than the group's MaxSize \(2\)/,
  );
  assert.match(
    refused({ AutoScalingRollingUpdate: { MinInstancesInService: 5 } }),
    /MinInstancesInService \(5\) must be less than the group's MaxSize \(4\)/,
  );
});

test('a PauseTime that is not an ISO 8601 duration is refused', () => {
  assert.match(
    refused({ AutoScalingRollingUpdate: { MinInstancesInService: 1, PauseTime: '5 minutes' } }),
    /PauseTime "5 minutes" is not an ISO 8601 duration/,
  );
});

test('a complete policy, and a replacing update, pass', () => {
  assert.doesNotThrow(() =>
    mergeFormations([
      group({ AutoScalingRollingUpdate: { MinInstancesInService: { Ref: 'WebMin' }, MaxBatchSize: 1, PauseTime: 'PT5M' } }),
    ]),
  );
  assert.doesNotThrow(() => mergeFormations([group({ AutoScalingReplacingUpdate: { WillReplace: true } })]));
});
