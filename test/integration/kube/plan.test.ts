/**
 * planKube and the core verbs in-process against the real test control plane: the server-side dry
 * run reports create / update / unchanged and changes nothing (the same objects with the same
 * resourceVersions before and after); undeploy asks for the namespace name.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployKube } from '../../../src/core/kube/deploy.js';
import { planKube } from '../../../src/core/kube/plan.js';
import { undeployKube } from '../../../src/core/kube/undeploy.js';
import { DeclinedError } from '../../../src/core/errors.js';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';
import { testContext } from '../../helpers/context.js';
import { settledSnapshot, snapshot } from './snapshot.js';

const APP = `kp${uniqueSuffix()}`;
const NS = `${APP}-kube-staging`;
let p: KubeProject;

const objects = () => snapshot(NS);

describe('planKube (server-side dry run)', { concurrency: false }, () => {
  before(() => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('plans everything as create when the namespace does not exist, creating nothing', async () => {
    const plan = await planKube(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'latest-1' });
    assert.ok(plan.every((i) => i.action === 'create'));
    // kubectl's order: the namespace, then claims, ... workloads, services, ingress.
    assert.deepEqual(
      plan.map((i) => `${i.kind}/${i.name}`),
      [
        `Namespace/${NS}`,
        'PersistentVolumeClaim/database-data',
        'PersistentVolumeClaim/media',
        'ServiceAccount/app',
        'StatefulSet/app',
        'StatefulSet/postgres',
        'Service/app',
        'Service/postgres',
        'Ingress/app',
      ],
    );
    assert.ok(plan.some((i) => i.kind === 'StatefulSet' && i.name === 'app'));
    assert.equal(await getObject('namespace', undefined, NS), undefined);
  });

  it('after a deploy everything is unchanged; a new tag updates only the app StatefulSet, changing nothing', async () => {
    await deployKube(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'latest-1' });
    const before = await settledSnapshot(NS);
    assert.ok(
      before.some((o) => o.startsWith(`StatefulSet ${NS}/app@`)),
      before.join('\n'),
    );
    const same = await planKube(testContext({ dir: p.dir, env: 'kube-staging' }));
    assert.deepEqual(
      same.filter((i) => i.action !== 'unchanged'),
      [],
    );
    const next = await planKube(testContext({ dir: p.dir, env: 'kube-staging' }), { tag: 'latest-2' });
    assert.deepEqual(
      next.filter((i) => i.action !== 'unchanged'),
      [
        {
          kind: 'StatefulSet',
          name: 'app',
          action: 'update',
          changes: [
            {
              path: 'spec.template.spec.containers.0.image',
              before: 'registry.example.test/shop:latest-1',
              after: 'registry.example.test/shop:latest-2',
            },
          ],
        },
      ],
    );
    assert.deepEqual(await objects(), before, 'the dry runs changed no object');
    const sts = (await getObject('statefulset', NS, 'app'))!;
    assert.match(JSON.stringify(sts.spec), /latest-1/);
    assert.doesNotMatch(JSON.stringify(sts.spec), /latest-2/);
  });

  it('undeploy asks to type the namespace; declining deletes nothing', async () => {
    const before = await objects();
    const ctx = testContext({ dir: p.dir, env: 'kube-staging' });
    ctx.io.answer = false;
    await assert.rejects(undeployKube(ctx), DeclinedError);
    assert.deepEqual(
      ctx.io.confirms.map((c) => c.typeToConfirm),
      [NS],
    );
    const ns = (await getObject('namespace', undefined, NS))!;
    assert.equal(ns.metadata.deletionTimestamp, undefined);
    assert.deepEqual(await objects(), before);
  });
});
