/**
 * The test control plane itself, proven with its own kubectl before any fragctl test relies on it:
 * the server reports its real version, RBAC refuses a user without rights, claims bind through
 * the default StorageClass, KWOK runs pods, completes Jobs and fails them on cue.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, eventually, getObject, kubectl, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';

const NS = `cluster-${uniqueSuffix()}`;

describe('the test control plane', { concurrency: false }, () => {
  before(async () => {
    await kubectl(['create', 'namespace', NS]);
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('is Kubernetes 1.35 with RBAC', async () => {
    const v = JSON.parse(await kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string; minor: string } };
    assert.match(v.serverVersion.gitVersion, /^v1\.35\.\d+$/);
    const c = testCluster();
    await assert.rejects(
      kubectl(['get', 'pods', '-n', NS], { kubeconfig: c.restrictedKubeconfig }),
      /Forbidden.*User "restricted" cannot list resource "pods"/s,
    );
  });

  it('runs pods to Ready, completes Jobs, and fails crash images', async () => {
    await kubectl(['-n', NS, 'create', 'deployment', 'web', '--image=registry.test/web:1', '--replicas=2']);
    await kubectl(['-n', NS, 'create', 'job', 'ok', '--image=registry.test/job:1']);
    await kubectl(['-n', NS, 'create', 'deployment', 'bad', '--image=registry.test/web:crash-2']);
    await kubectl(['-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=30s']);
    await eventually('job ok completes', async () => (await getObject('job', NS, 'ok'))?.status?.succeeded === 1);
    assert.match(await kubectl(['-n', NS, 'logs', 'job/ok']), /loaded 42 rows/);
    const bad = await eventually('the crash pod reports its state', async () => {
      const pods = await listObjects('pod', NS, 'app=bad');
      return pods[0]?.status?.containerStatuses ? pods[0] : undefined;
    });
    const cs = (bad.status!.containerStatuses as Array<{ ready: boolean; state: { waiting?: { reason: string } } }>)[0]!;
    assert.equal(cs.ready, false);
    assert.equal(cs.state.waiting?.reason, 'CrashLoopBackOff');
  });

  it('binds a claim through the default StorageClass', async () => {
    await kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: NS },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    });
    const pvc = await eventually('the claim binds', async () => {
      const o = await getObject('pvc', NS, 'data');
      return o?.status?.phase === 'Bound' ? o : undefined;
    });
    assert.equal(pvc.spec?.storageClassName, 'standard');
  });
});
