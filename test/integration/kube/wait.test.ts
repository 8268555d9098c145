/**
 * Waiting, in-process against the fake: a watch refused with 410 Gone is resumed from a fresh
 * read; Ctrl-C stops the wait with an interruption while the rollout goes on; the live view
 * reports pod by pod.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube, type FakeKube } from '../../fakes/kube/server.js';
import { byKind } from '../../fakes/kube/resources.js';
import { deployKube } from '../../../src/core/kube/deploy.js';
import { versionChange } from '../../../src/core/kube/version-change.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { rolloutState } from '../../../src/core/kube/rollout.js';
import { kubeProject, type KubeProject } from './setup.js';
import { kubeContext } from './context.js';

let kube: FakeKube;
let p: KubeProject;
const NS = 'frag-kube-staging';
/** Until the app's rollout is complete in the fake. */
async function settled(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const sts = kube.store.get(byKind('StatefulSet'), NS, 'app');
    if (sts && rolloutState(sts as never).done) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the app did not settle');
}
const WATCH = /\/apis\/apps\/v1\/namespaces\/frag-kube-staging\/statefulsets$/;

describe('waiting for rollouts', { concurrency: false }, () => {
  before(async () => {
    kube = await startFakeKube({ stepMs: 5 });
    p = kubeProject(kube.kubeconfig());
    await deployKube(kubeContext(p.dir, 'kube-staging'), { tag: 'latest-1' });
  });
  after(async () => {
    await kube.close();
  });

  it('a watch refused with 410 Gone is resumed', async () => {
    kube.requests.clear();
    kube.requests.failNext(1, 410, { method: 'GET', path: WATCH }, 'too old resource version');
    const ctx = kubeContext(p.dir, 'kube-staging');
    const r = await versionChange(ctx, { tag: 'latest-2', timeoutMs: 10_000 });
    assert.equal(r.image, 'registry.example.test/shop:latest-2');
    const collection = kube.requests.filter({ method: 'GET', path: WATCH });
    assert.equal(collection.filter((r) => /(^|&)watch=true/.test(r.query)).length, 2, 'watched again after the 410');
    assert.equal(collection.filter((r) => !/(^|&)watch=true/.test(r.query)).length, 1, 'listed once, to learn a fresh resourceVersion');
  });

  it('the live view goes pod by pod', async () => {
    const ctx = kubeContext(p.dir, 'kube-staging');
    await versionChange(ctx, { tag: 'latest-3', timeoutMs: 10_000 });
    const lines = ctx.io.updates.map((u) => u.message);
    assert.ok(lines.some((l) => /1\/2 pods ready/.test(l)), lines.join('\n'));
    assert.match(lines.at(-1)!, /app: 2\/2 pods ready at revision app-/);
  });

  it('--no-wait returns once the change is applied', async () => {
    kube.controllers.statefulSets.hold(NS, 'app');
    try {
      const r = await versionChange(kubeContext(p.dir, 'kube-staging'), { tag: 'latest-5', wait: false });
      assert.equal(r.waited, false);
      const sts = kube.store.get(byKind('StatefulSet'), NS, 'app')!;
      assert.match(JSON.stringify(sts.spec), /latest-5/);
      const pods = kube.store.list(byKind('Pod'), NS, (pod) => pod.metadata.name?.startsWith('app-') ?? false);
      assert.ok(pods.length > 0 && pods.every((pod) => !JSON.stringify(pod.spec).includes('latest-5')), 'no pod runs the new tag yet');
    } finally {
      kube.controllers.statefulSets.release(NS, 'app');
    }
    await settled();
  });

  it('a deploy after a broken tag replaces the stuck pod and completes', async () => {
    kube.controllers.statefulSets.failPod(NS, 'app', 'ErrImagePull', 'manifest unknown');
    await assert.rejects(versionChange(kubeContext(p.dir, 'kube-staging'), { tag: 'nope', timeoutMs: 500 }), /pod app-1 is stuck: ErrImagePull/);
    const ctx = kubeContext(p.dir, 'kube-staging');
    const r = await deployKube(ctx, { tag: 'latest-6', timeoutMs: 10_000 });
    assert.equal(r.tag, 'latest-6');
    assert.ok(ctx.io.events.some((e) => e.code === 'kube.pod.replaced' && e.data?.pod === 'app-1'));
  });

  it('an interruption stops the wait, not the rollout', async () => {
    kube.controllers.statefulSets.hold(NS, 'app');
    const abort = new AbortController();
    const ctx = kubeContext(p.dir, 'kube-staging', {}, abort.signal);
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    await assert.rejects(versionChange(ctx, { tag: 'latest-4', timeoutMs: 30_000 }), (e: unknown) => e instanceof InterruptedError && /the rollout goes on/.test(e.message));
    assert.ok(Date.now() - started < 5000);
    kube.controllers.statefulSets.release(NS, 'app');
  });
});
