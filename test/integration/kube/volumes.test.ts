/**
 * Per-volume storage classes and sizes from the settings, as the Django fixture's templates take
 * them (`db_storage_class`/`db_size`, `media_storage_class`/`media_size`): each claim binds with its
 * own class and size on the real test control plane (a second StorageClass, `fast`, made here).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, eventually, getObject, kubectl, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `vo${uniqueSuffix()}`;
const NS = `${APP}-django`;
const FAST = `fast-${APP}`;
let p: ReturnType<typeof djangoProject>;

describe('per-volume storage classes and sizes (real control plane)', () => {
  before(async () => {
    await kubectl(['apply', '-f', '-'], {
      input: `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: ${FAST}}\nprovisioner: kubernetes.io/host-path\nreclaimPolicy: Delete\nvolumeBindingMode: Immediate\n`,
    });
    p = djangoProject(testCluster().kubeconfigText, APP, `db_size: 3Gi\nmedia_storage_class: ${FAST}\nmedia_size: 1Gi`);
  });
  after(async () => {
    await dropNamespaces(NS);
    await kubectl(['delete', 'storageclass', FAST, '--ignore-not-found']);
  });

  it('each claim binds with the class and size its settings name', async () => {
    const r = await p.run(['django', 'deploy', '--tag', 'v1']);
    assert.equal(r.code, 0, r.stderr);
    for (const [claim, cls, size] of [
      ['postgres-data', 'standard', '3Gi'],
      ['media-data', FAST, '1Gi'],
    ] as const) {
      const pvc = await eventually(`${claim} bound`, async () => {
        const o = await getObject('pvc', NS, claim);
        return (o?.status as { phase?: string } | undefined)?.phase === 'Bound' ? o : undefined;
      });
      assert.equal(pvc.spec?.storageClassName, cls, claim);
      assert.equal((pvc.spec?.resources as { requests: { storage: string } }).requests.storage, size, claim);
      const pv = (await getObject('pv', undefined, String(pvc.spec?.volumeName)))!;
      assert.equal(pv.spec?.storageClassName, cls, `${claim}'s volume`);
    }
  });
});
