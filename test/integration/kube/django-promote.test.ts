/**
 * promote and undeploy on the Django fixture (several workloads, init containers, two claims), with a
 * real registry (Debian's docker-registry on loopback) and the real test control plane: every
 * workload that runs the stack image runs the promoted digest; undeploy removes the namespace, claims
 * with their protection finalizers included, and keeps the volumes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, listObjects, releaseKeptVolumes, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { djangoProject } from './django.js';

const APP = `dp${uniqueSuffix()}`;
const NS = `${APP}-shop`;
let registry: TestRegistry;
let p: ReturnType<typeof djangoProject>;

const imageOf = async (kind: string, name: string) =>
  ((await getObject(kind, NS, name))!.spec!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image;

describe('promote and undeploy of a Django stack (real registry, real control plane)', { concurrency: false }, () => {
  before(async () => {
    registry = await startRegistry();
    p = djangoProject(testCluster().kubeconfigText, APP);
    p.writeEnv(
      'shop',
      `platform: kubernetes\nprotected: true\nsettings:\n  kube_generated_secrets: {}\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: ${registry.host}/django\n  host: shop.example.test\n`,
    );
    await registry.push('django', 'latest-1');
    await registry.push('django', 'latest-2');
    const d = await p.run(['shop', 'deploy', '--tag', 'latest-1']);
    assert.equal(d.code, 0, d.stderr);
  });
  after(async () => {
    await Promise.all([dropNamespaces(NS), registry?.stop()]);
  });

  it('promote: the version tag and stable on latest-2, and web, worker and beat run its digest', async () => {
    const digest = await registry.digest('django', 'latest-2');
    const r = await p.run(['shop', 'promote', '--build', '2', '--as', 'v2.0.0']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await registry.digest('django', 'v2.0.0'), digest);
    assert.equal(await registry.digest('django', 'stable'), digest);
    for (const [kind, name] of [
      ['deployment', 'web'],
      ['statefulset', 'worker'],
      ['deployment', 'beat'],
    ] as const)
      assert.equal(await imageOf(kind, name), `${registry.host}/django@${digest}`, `${kind}/${name}`);
    assert.equal(await imageOf('deployment', 'redis'), 'redis:7-alpine', 'what does not run the stack image is left alone');
  });

  it('undeploy of the protected stack needs --force-protected; then the namespace goes, the volumes stay', async () => {
    const refused = await p.run(['shop', 'undeploy', '--yes']);
    assert.equal(refused.code, 2, refused.stderr);
    const claims = (await listObjects('pvc', NS)).map((c) => [c.metadata.name, String(c.spec?.volumeName)] as const);
    assert.deepEqual(claims.map(([c]) => c).sort(), ['media-data', 'postgres-data']);
    for (const c of await listObjects('pvc', NS)) assert.ok((c.metadata.finalizers as string[]).includes('kubernetes.io/pvc-protection'));
    const r = await p.run(['shop', 'undeploy', '--yes', '--force-protected'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await getObject('namespace', undefined, NS), undefined);
    for (const [claim, volume] of claims) {
      const pv = await getObject('pv', undefined, volume);
      assert.ok(pv, `${claim}'s volume ${volume} is kept`);
      assert.ok(r.stdout.includes(`${claim} → ${volume}`), r.stdout);
    }
    await releaseKeptVolumes(claims.map(([, volume]) => volume));
  });
});
