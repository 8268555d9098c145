/**
 * planKube and the core verbs in-process against the fake: the server-side dry run reports
 * create / update / unchanged and writes nothing; undeploy asks for the namespace name.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube, type FakeKube } from '../../fakes/kube/server.js';
import { byKind } from '../../fakes/kube/resources.js';
import { deployKube } from '../../../src/core/kube/deploy.js';
import { planKube } from '../../../src/core/kube/plan.js';
import { undeployKube } from '../../../src/core/kube/undeploy.js';
import { DeclinedError } from '../../../src/core/errors.js';
import { kubeProject, type KubeProject } from './setup.js';
import { kubeContext } from './context.js';

let kube: FakeKube;
let p: KubeProject;
const NS = 'frag-kube-staging';

describe('planKube (server-side dry run)', { concurrency: false }, () => {
  before(async () => {
    kube = await startFakeKube({ stepMs: 2 });
    p = kubeProject(kube.kubeconfig());
  });
  after(async () => {
    await kube.close();
  });

  it('plans everything as create when the namespace does not exist, writing nothing', async () => {
    const plan = await planKube(kubeContext(p.dir, 'kube-staging'), { tag: 'latest-1' });
    assert.ok(plan.every((i) => i.action === 'create'));
    assert.deepEqual(plan.map((i) => `${i.kind}/${i.name}`).slice(0, 3), [`Namespace/${NS}`, 'Secret/app-secrets', 'Secret/postgres-credentials']);
    assert.ok(plan.some((i) => i.kind === 'StatefulSet' && i.name === 'app'));
    assert.equal(kube.requests.filter().filter((r) => r.method !== 'GET').length, 0);
  });

  it('after a deploy everything is unchanged; a new tag updates only the app StatefulSet', async () => {
    await deployKube(kubeContext(p.dir, 'kube-staging'), { tag: 'latest-1' });
    kube.requests.clear();
    const same = await planKube(kubeContext(p.dir, 'kube-staging'));
    assert.deepEqual(same.filter((i) => i.action !== 'unchanged'), []);
    const next = await planKube(kubeContext(p.dir, 'kube-staging'), { tag: 'latest-2' });
    assert.deepEqual(next.filter((i) => i.action !== 'unchanged'), [{ kind: 'StatefulSet', name: 'app', action: 'update' }]);
    const dryRuns = kube.requests.filter({ method: 'PATCH' });
    assert.ok(dryRuns.length > 0 && dryRuns.every((r) => r.query.includes('dryRun=All')), 'only dry-run writes');
    const sts = kube.store.get(byKind('StatefulSet'), NS, 'app')!;
    assert.match(JSON.stringify(sts.spec), /latest-1/);
  });

  it('undeploy asks to type the namespace; declining deletes nothing', async () => {
    const ctx = kubeContext(p.dir, 'kube-staging');
    ctx.io.answer = false;
    await assert.rejects(undeployKube(ctx), DeclinedError);
    assert.deepEqual(ctx.io.confirms.map((c) => c.typeToConfirm), [NS]);
    assert.ok(kube.store.get(byKind('Namespace'), undefined, NS));
  });
});
