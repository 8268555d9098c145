/**
 * doctor on Kubernetes against the real test control plane: an orphaned loader Job (a `hang` image:
 * its pod runs until deleted) and a StatefulSet stuck on a pod that never becomes ready (a `crash`
 * image: CrashLoopBackOff on the KWOK node).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, eventually, getObject, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from '../kube/setup.js';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { loadKubeTarget } from '../../../src/providers/kube/config.js';
import type { KubeObject } from '../../../src/providers/kube/resources.js';

const APP = `kd${uniqueSuffix()}`;
const DEV = `${APP}-alice-main`;
let p: KubeProject;
let api: KubeClient;

interface Report {
  ok: boolean;
  checked: string[];
  findings: Array<{ code: string; subject: string; problem: string; fix: string; fixable: boolean; result?: string }>;
}
const doctor = async (...extra: string[]): Promise<{ code: number; report: Report; stderr: string }> => {
  const r = await p.run(['dev', 'doctor', '--json', ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};

async function setImage(image: string): Promise<void> {
  const sts = (await api.get('StatefulSet', 'app', DEV))!;
  const template = structuredClone(sts.spec!.template) as { spec: { containers: Array<{ image: string }> } };
  template.spec.containers[0]!.image = image;
  await api.mergePatch('StatefulSet', 'app', DEV, { spec: { template } });
}

describe('doctor on Kubernetes', { concurrency: false }, () => {
  before(async () => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    api = new KubeClient(await loadKubeTarget({ kubeconfig: p.kubeconfig }));
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await dropNamespaces(DEV);
  });

  it('a healthy stack: nothing stuck', async () => {
    const { code, report } = await doctor();
    assert.equal(code, 0);
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.checked, ['lock', 'loader', 'statefulsets']);
  });

  it('plan: a server-side dry run of the deployed stack changes nothing, and takes no lock', async () => {
    const r = await p.run(['dev', 'plan', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { platform: string; objects: Array<{ kind: string; name: string; action: string }> };
    assert.equal(plan.platform, 'kubernetes');
    assert.ok(plan.objects.some((o) => o.kind === 'StatefulSet' && o.name === 'app'));
    assert.deepEqual(
      plan.objects.filter((o) => o.action !== 'unchanged'),
      [],
    );
    const next = await p.run(['dev', 'plan', '--tag', 'latest-9']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /update\s+StatefulSet\s+app/);
    assert.equal(await getObject('lease', DEV, 'fragctl-lock'), undefined);
    assert.match(JSON.stringify((await getObject('statefulset', DEV, 'app'))!.spec), /:latest-1"/, 'the plan changed nothing');
  });

  it('a loader Job running with no run holding the environment: reported, and deleted by --fix', async () => {
    await api.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'loader-orphan', namespace: DEV, labels: { 'fragctl.io/task': 'loader', 'fragctl.io/job': 'loader-orphan' } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { 'fragctl.io/job': 'loader-orphan' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'loader', image: 'registry.example.test/shop:hang' }] },
        },
      },
    } as KubeObject & { kind: string });
    await eventually('the loader pod runs', async () =>
      (await listObjects('pod', DEV, 'job-name=loader-orphan')).some((pod) => pod.status?.phase === 'Running'),
    );
    const { code, report } = await doctor();
    assert.equal(code, 1);
    const f = report.findings.find((x) => x.code === 'kube.loader-running')!;
    assert.equal(f.subject, `Job ${DEV}/loader-orphan`);
    assert.match(f.fix, new RegExp(`kubectl -n ${DEV} delete job loader-orphan`));
    const fixed = await doctor('--fix', '--yes');
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(fixed.report.findings[0]!.result, 'fixed');
    assert.equal(await getObject('job', DEV, 'loader-orphan'), undefined);
  });

  it('a StatefulSet stuck on a broken pod: a broken template needs a rollback; once fixed, --fix deletes the stuck pod', async () => {
    await setImage('registry.example.test/shop:crash-1');
    await eventually('a broken pod', async () =>
      (await listObjects('pod', DEV, 'app.kubernetes.io/name=app')).some((pod) =>
        JSON.stringify(pod.status ?? {}).includes('CrashLoopBackOff'),
      ),
    );
    const broken = await doctor();
    assert.equal(broken.code, 1);
    const f = broken.report.findings.find((x) => x.code === 'kube.statefulset-stuck')!;
    assert.equal(f.fixable, false);
    assert.match(f.problem, /of the current template is broken \(app: CrashLoopBackOff/);
    assert.match(f.fix, /fragctl dev rollback/);

    await setImage('registry.example.test/shop:latest-1');
    // the controller has seen the new template (a new update revision) but keeps the broken pod
    await eventually('the controller sees the fixed template', async () => {
      const o = (await getObject('statefulset', DEV, 'app'))!;
      return o.metadata.generation === (o.status as { observedGeneration?: number }).observedGeneration;
    });
    const stuck = await doctor();
    const g = stuck.report.findings.find((x) => x.code === 'kube.statefulset-stuck')!;
    assert.equal(g.fixable, true, JSON.stringify(stuck.report));
    assert.match(g.problem, /broken on an older template/);
    assert.match(g.fix, new RegExp(`kubectl -n ${DEV} delete pod app-0`));
    const fixed = await doctor('--fix', '--yes');
    assert.equal(fixed.code, 0, fixed.stderr);
    // the controller recreated the pod from the fixed template and the rollout finished
    await eventually('the rollout to finish', async () => {
      const st = (await getObject('statefulset', DEV, 'app'))!.status as {
        readyReplicas?: number;
        currentRevision?: string;
        updateRevision?: string;
      };
      return (st.readyReplicas ?? 0) >= 1 && st.currentRevision === st.updateRevision;
    });
    const pods = await listObjects('pod', DEV, 'app.kubernetes.io/name=app');
    assert.ok(!pods.some((pod) => JSON.stringify(pod.status ?? {}).includes('CrashLoopBackOff')));
    assert.deepEqual(
      pods.map((pod) => (pod.spec!.containers as Array<{ image: string }>)[0]!.image),
      ['registry.example.test/shop:latest-1'],
    );
  });
});
