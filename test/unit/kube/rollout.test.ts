import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { podReason, rolloutState } from '../../../src/core/kube/rollout.js';
import { parseDuration } from '../../../src/core/kube/watch.js';
import { checkSchedule } from '../../../src/core/kube/replicate.js';
import { buildTag, checkVersion } from '../../../src/core/kube/promote.js';
import { ageOf, jobState } from '../../../src/core/kube/jobs.js';

const sts = (generation: number, spec: Record<string, unknown>, status: Record<string, unknown>) => ({
  metadata: { name: 'app', generation },
  spec,
  status,
});

describe('rollout rules (as kubectl rollout status)', () => {
  it('waits for the controller to observe the spec, for ready replicas, then for the revision', () => {
    assert.equal(rolloutState(sts(2, { replicas: 2 }, { observedGeneration: 1, readyReplicas: 2 })).done, false);
    assert.match(
      rolloutState(sts(2, { replicas: 2 }, { observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1 })).message,
      /1\/2 pods ready/,
    );
    assert.match(
      rolloutState(
        sts(2, { replicas: 2 }, { observedGeneration: 2, readyReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }),
      ).message,
      /1\/2 pods at revision b/,
    );
    assert.equal(
      rolloutState(sts(2, { replicas: 2 }, { observedGeneration: 2, readyReplicas: 2, currentRevision: 'b', updateRevision: 'b' })).done,
      true,
    );
    assert.equal(rolloutState(sts(1, { replicas: 0 }, { observedGeneration: 1, currentRevision: 'b', updateRevision: 'b' })).done, true);
  });

  it('names the reason of a stuck pod', () => {
    const pod = {
      metadata: { name: 'app-1' },
      status: {
        phase: 'Pending',
        containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }],
      },
    };
    assert.deepEqual(podReason(pod), { reason: 'ErrImagePull', message: 'not found' });
    assert.deepEqual(
      podReason({
        metadata: { name: 'x' },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' }],
        },
      }),
      { reason: 'Unschedulable', message: '0/3 nodes' },
    );
  });
});

describe('option values', () => {
  it('durations', () => {
    assert.equal(parseDuration('90'), 90_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.throws(() => parseDuration('soon'), /not a duration/);
  });

  it('cron schedules', () => {
    checkSchedule('0 3 * * *');
    checkSchedule('*/15 0-6 1,15 * mon-fri');
    checkSchedule('@daily');
    assert.throws(() => checkSchedule('every day'), /not a cron schedule/);
    assert.throws(() => checkSchedule('0 3 * *'), /not a cron schedule/);
  });

  it('versions and builds', () => {
    for (const v of ['v1.2.3', '1.2.3', 'v10.0.1-rc2']) checkVersion(v);
    for (const v of ['v1.2', '1.2.3.4', 'v1.2.3-beta', 'latest', '']) assert.throws(() => checkVersion(v), /not a version tag/);
    assert.equal(buildTag('7'), 'latest-7');
    assert.equal(buildTag('v1.2.0-rc1'), 'v1.2.0-rc1');
    assert.throws(() => buildTag('seven'), /expected a build number/);
  });

  it('job states and ages', () => {
    assert.equal(jobState({ metadata: { name: 'j' }, status: { active: 1 } }), 'active');
    assert.equal(jobState({ metadata: { name: 'j' }, status: { conditions: [{ type: 'Failed', status: 'True' }] } }), 'failed');
    assert.equal(jobState({ metadata: { name: 'j' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 'succeeded');
    assert.equal(ageOf({ metadata: { name: 'j', creationTimestamp: new Date(Date.now() - 125_000).toISOString() } }), '2m5s');
  });
});
