/**
 * Waiting, in-process against the real test control plane: a watch refused with 410 Gone (by a
 * small proxy: see gone-proxy.ts) is resumed from a fresh read; the live view reports pod by pod;
 * --no-wait returns at once; a tag whose pods never become ready (`crash-*`: CrashLoopBackOff on
 * the KWOK node) is named as stuck and replaced by the next deploy, as is a pod of such a rollout
 * still Pending (`pending-*`); Ctrl-C stops the wait while
 * the rollout goes on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployKube } from '../../../src/core/kube/deploy.js';
import { versionChange } from '../../../src/core/kube/version-change.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { rolloutState } from '../../../src/core/kube/rollout.js';
import { dropNamespaces, eventually, getObject, listObjects, testCluster, uniqueSuffix, type KubeObj } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';
import { testContext } from '../../helpers/context.js';
import { startGoneProxy, type GoneProxy } from './gone-proxy.js';

const APP = `kw${uniqueSuffix()}`;
const NS = `${APP}-kube-staging`;
const WATCH = new RegExp(`^/apis/apps/v1/namespaces/${NS}/statefulsets$`);
let p: KubeProject;
let proxy: GoneProxy;
let viaProxy: KubeProject;

const sts = async (): Promise<KubeObj> => (await getObject('statefulset', NS, 'app'))!;
const templateImage = (o: KubeObj) => (o.spec!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image;
const rolledOut = (o: KubeObj) => rolloutState(o as never).done;

describe('waiting for rollouts', { concurrency: false }, () => {
  before(async () => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    proxy = await startGoneProxy(testCluster().kubeconfigText);
    viaProxy = kubeProject(proxy.kubeconfigText, undefined, APP);
    await deployKube(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'latest-1' });
  });
  after(async () => {
    await proxy?.close();
    await dropNamespaces(NS);
  });

  for (const how of ['http', 'stream'] as const) {
    it(`a watch refused with 410 Gone (${how === 'http' ? 'as the answer' : 'as an ERROR event in the stream'}) is resumed`, async () => {
      proxy.watches.length = 0;
      proxy.gets.length = 0;
      proxy.goneNext(1, WATCH, how);
      const tag = how === 'http' ? 'latest-2' : 'latest-3';
      const r = await versionChange(testContext({ dir: viaProxy.dir, env: 'kube-staging' }), { tag, timeoutMs: 30_000 });
      assert.equal(r.image, `registry.example.test/shop:${tag}`);
      const collection = proxy.gets.filter((g) => WATCH.test(g.split('?')[0]!));
      const watched = collection.filter((g) => /[?&]watch=true/.test(g));
      assert.equal(watched.length, 2, `watched again after the 410:\n${collection.join('\n')}`);
      assert.equal(collection.length - watched.length, 1, `listed once, to learn a fresh resourceVersion:\n${collection.join('\n')}`);
      // the rollout really finished on the server when fragctl said so
      const now = await sts();
      assert.equal(templateImage(now), `registry.example.test/shop:${tag}`);
      assert.ok(rolledOut(now), JSON.stringify(now.status));
    });
  }

  it('the live view goes pod by pod', async () => {
    const ctx = testContext({ dir: p.dir, env: 'kube-staging' });
    await versionChange(ctx, { tag: 'latest-4', timeoutMs: 30_000 });
    const lines = ctx.io.updates.map((u) => u.message);
    assert.ok(
      lines.some((l) => /1\/2 pods ready/.test(l)),
      lines.join('\n'),
    );
    assert.match(lines.at(-1)!, /app: 2\/2 pods ready at revision app-/);
    // nothing is shown as finished while a workload still waits ("1/2 pods ready, …" is waiting)
    const firstAll = lines.findIndex((l) => /pods ready at revision/.test(l) && !/pods ready, /.test(l));
    const lastWaiting = lines.map((l) => /pods ready, |pods updated|available|waiting/.test(l)).lastIndexOf(true);
    assert.ok(firstAll === -1 || firstAll > lastWaiting, lines.join('\n'));
  });

  it('an interruption stops the wait, not the rollout', async () => {
    const abort = new AbortController();
    const ctx = testContext({ dir: p.dir, env: 'kube-staging', signal: abort.signal });
    setTimeout(() => abort.abort(), 1000);
    const started = Date.now();
    await assert.rejects(
      versionChange(ctx, { tag: 'crash-1', timeoutMs: 60_000 }),
      (e: unknown) => e instanceof InterruptedError && /the rollout goes on/.test(e.message),
    );
    assert.ok(Date.now() - started < 5000);
    // the change stays applied and the controller goes on with it: a pod of the new template comes
    assert.equal(templateImage(await sts()), 'registry.example.test/shop:crash-1');
    await eventually(
      'a pod of the new template',
      async () =>
        (await listObjects('pod', NS, 'app.kubernetes.io/name=app')).some((pod) =>
          (pod.spec!.containers as Array<{ image: string }>)[0]!.image.endsWith(':crash-1'),
        ),
      15_000,
    );
  });

  it('--no-wait returns once the change is applied, before the rollout (which cannot finish) is done', async () => {
    const started = Date.now();
    const r = await versionChange(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'crash-2', wait: false });
    assert.equal(r.waited, false);
    assert.ok(Date.now() - started < 5000);
    const now = await sts();
    assert.equal(templateImage(now), 'registry.example.test/shop:crash-2');
    assert.ok(!rolledOut(now), JSON.stringify(now.status));
  });

  /** A deploy of `tag` that replaces the stuck pod app-1 (kube.pod.replaced) and completes: both pods run the tag. */
  async function deployReplacingApp1(tag: string): Promise<void> {
    const ctx = testContext({ dir: p.dir, env: 'kube-staging' });
    const before = await podStates();
    const r = await deployKube(ctx, { tag, timeoutMs: 30_000 });
    assert.equal(r.tag, tag);
    assert.ok(
      ctx.io.events.some((e) => e.code === 'kube.pod.replaced' && e.data?.pod === 'app-1'),
      `events ${JSON.stringify(ctx.io.events.map((e) => e.code))}; pods before the deploy ${before}; after ${await podStates()}`,
    );
    assert.ok(rolledOut(await sts()));
    const pods = await listObjects('pod', NS, 'app.kubernetes.io/name=app');
    assert.deepEqual(
      pods.map((pod) => (pod.spec!.containers as Array<{ image: string }>)[0]!.image),
      [`registry.example.test/shop:${tag}`, `registry.example.test/shop:${tag}`],
    );
  }

  /** The app's pods, for a failure's message: name, uid, image tag, phase, ready, deleting. */
  async function podStates(): Promise<string> {
    const pods = await listObjects('pod', NS, 'app.kubernetes.io/name=app');
    return JSON.stringify(
      pods.map((pod) => {
        const status = pod.status as { phase?: string; conditions?: Array<{ type: string; status: string }> };
        return [
          pod.metadata.name,
          (pod.metadata as { uid?: string }).uid?.slice(0, 8),
          (pod.spec!.containers as Array<{ image: string }>)[0]!.image.split(':').pop(),
          status.phase,
          status.conditions?.find((c) => c.type === 'Ready')?.status ?? '-',
          (pod.metadata as { deletionTimestamp?: string }).deletionTimestamp ? 'deleting' : '',
        ];
      }),
    );
  }

  it('a broken tag is named as stuck; a deploy after it replaces the stuck pod and completes', async () => {
    await assert.rejects(
      versionChange(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'crash-3', timeoutMs: 2000 }),
      /pod app-1 is stuck: CrashLoopBackOff/,
    );
    await deployReplacingApp1('latest-6');
  });

  it('a pod of the replaced rollout still Pending (not yet failing) is replaced too, so the next deploy completes', async () => {
    // `pending-*` pods stay Pending on the KWOK node: the StatefulSet waits for it to become ready, forever
    await versionChange(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'pending-1', wait: false });
    await eventually(
      'a Pending pod of the pending-1 template',
      async () =>
        (await listObjects('pod', NS, 'app.kubernetes.io/name=app')).some(
          (pod) =>
            (pod.spec!.containers as Array<{ image: string }>)[0]!.image.endsWith(':pending-1') &&
            (pod.status as { phase?: string }).phase === 'Pending',
        ),
      15_000,
    );
    await deployReplacingApp1('latest-7');
  });
});
