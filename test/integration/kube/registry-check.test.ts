/**
 * deploy and version-change ask the registry (Debian's docker-registry on loopback) before the
 * cluster (the real test control plane) is changed: a tag it does not have is refused with the tags
 * it has; the deploy history records a real digest (the registry's for the tag, or what the pods
 * report in imageID) and `history` shows it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { freePort } from '../../helpers/moto.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kr${uniqueSuffix()}`;
const NS = `${APP}-reg`;
let p: KubeProject;
let registry: TestRegistry;

type Entry = { revision: number; verb: string; image: string; digest?: string; digestSource?: string };
const history = async (): Promise<Entry[]> =>
  (JSON.parse((await p.run(['reg', 'history', '--json'])).stdout) as { entries: Entry[] }).entries;
const image = async () =>
  ((await getObject('statefulset', NS, 'app'))?.spec?.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!
    .image;

describe('registry check before the cluster is changed, digests in the history', { concurrency: false }, () => {
  before(async () => {
    registry = await startRegistry();
    for (const tag of ['latest-1', 'latest-2', 'latest-10']) await registry.push('shop', tag);
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    p.writeEnv(
      'reg',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: ${registry.host}/shop\n  database: external\n  database_host: db.example.test\n`,
    );
  });
  after(async () => {
    await dropNamespaces(NS);
    await registry?.stop();
  });

  it('a first deploy of a tag the registry lacks: exit 2, the tags it has, no namespace made', async () => {
    const r = await p.run(['reg', 'deploy', '--tag', 'does-not-exist-999']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `error: image ${registry.host}/shop:does-not-exist-999 not found: the registry ${registry.url} has no tag does-not-exist-999 in shop`,
      ),
    );
    assert.match(r.stderr, /hint: +existing tags: latest-10, latest-2, latest-1\n/);
    assert.equal(await getObject('namespace', undefined, NS), undefined, 'the lock did not make the namespace');
  });

  it('deploy records the registry digest of the tag; history shows it', async () => {
    const r = await p.run(['reg', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 0, r.stderr);
    const last = (await history()).at(-1)!;
    assert.equal(last.digest, await registry.digest('shop', 'latest-1'));
    assert.equal(last.digestSource, 'registry', 'KWOK reports the tag as imageID, so the pods give no digest');
    const text = await p.run(['reg', 'history']);
    assert.match(text.stdout, new RegExp(`${last.digest!.slice(0, 19)} \\(registry\\)`));
  });

  it('version-change to a missing tag changes nothing; to an existing one records its digest', async () => {
    const before = (await history()).length;
    const bad = await p.run(['reg', 'version-change', '--tag', 'does-not-exist-999']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /has no tag does-not-exist-999 in shop/);
    assert.equal(await image(), `${registry.host}/shop:latest-1`);
    assert.equal((await history()).length, before);
    const ok = await p.run(['reg', 'version-change', '--tag', 'latest-2']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await history()).at(-1)!.digest, await registry.digest('shop', 'latest-2'));
  });

  it('an image pinned by digest: the digest comes from the pods imageID', async () => {
    const digest = (await registry.digest('shop', 'latest-10'))!;
    const r = await p.run(['reg', 'deploy', '--image', `${registry.host}/shop@${digest}`]);
    assert.equal(r.code, 0, r.stderr);
    const pod = await getObject('pod', NS, 'app-0');
    const imageID = (pod?.status?.containerStatuses as Array<{ imageID: string }>)[0]!.imageID;
    assert.ok(imageID.endsWith(`@${digest}`), imageID);
    const last = (await history()).at(-1)!;
    assert.equal(last.digest, digest);
    assert.equal(last.digestSource, 'pods');
  });

  it('a digest the registry does not have is refused too', async () => {
    const r = await p.run(['reg', 'deploy', '--image', `${registry.host}/shop@sha256:${'0'.repeat(64)}`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /has no manifest sha256:0{64} in shop/);
  });

  it('a registry that cannot be reached: exit 1, and the hint says how to skip the check', async () => {
    const port = await freePort();
    p.writeEnv(
      'gone',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: 127.0.0.1:${port}/shop\n  tag: latest-1\n`,
    );
    const r = await p.run(['gone', 'deploy']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `error: cannot check that 127.0.0.1:${port}/shop:latest-1 exists: cannot reach the container registry http://127.0.0.1:${port}`,
      ),
    );
    assert.match(r.stderr, /set kubernetes\.verify_image: false for gone/);
  });
});
