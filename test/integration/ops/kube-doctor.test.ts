/** doctor on Kubernetes against the fake API server: an orphaned loader Job and a StatefulSet stuck on a broken pod. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube, type FakeKube } from '../../fakes/kube/server.js';
import { byKind } from '../../fakes/kube/resources.js';
import { waitFor } from '../../fakes/kube/clients.js';
import { kubeProject, type KubeProject } from '../kube/setup.js';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { loadKubeTarget } from '../../../src/providers/kube/config.js';
import type { KubeObject } from '../../../src/providers/kube/resources.js';

const DEV = 'frag-alice-main';
let kube: FakeKube;
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
    kube = await startFakeKube({ stepMs: 5 });
    p = kubeProject(kube.kubeconfig());
    api = new KubeClient(await loadKubeTarget({ kubeconfig: p.kubeconfig }));
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await kube?.close();
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
    assert.deepEqual(plan.objects.filter((o) => o.action !== 'unchanged'), []);
    const next = await p.run(['dev', 'plan', '--tag', 'latest-9']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /update\s+StatefulSet\s+app/);
    assert.equal(kube.store.get(byKind('Lease'), DEV, 'fragctl-lock'), undefined);
  });

  it('a loader Job running with no run holding the environment: reported, and deleted by --fix', async () => {
    kube.controllers.jobs.hold(DEV, 'loader-orphan');
    await api.create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'loader-orphan', namespace: DEV, labels: { 'fragctl.io/task': 'loader', 'fragctl.io/job': 'loader-orphan' } },
      spec: { backoffLimit: 0, template: { metadata: { labels: { 'fragctl.io/job': 'loader-orphan' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'loader', image: 'busybox' }] } } },
    } as KubeObject & { kind: string });
    const { code, report } = await doctor();
    assert.equal(code, 1);
    const f = report.findings.find((x) => x.code === 'kube.loader-running')!;
    assert.equal(f.subject, `Job ${DEV}/loader-orphan`);
    assert.match(f.fix, new RegExp(`kubectl -n ${DEV} delete job loader-orphan`));
    const fixed = await doctor('--fix', '--yes');
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(fixed.report.findings[0]!.result, 'fixed');
    assert.equal(kube.store.get(byKind('Job'), DEV, 'loader-orphan'), undefined);
  });

  it('a StatefulSet stuck on a broken pod: a broken template needs a rollback; once fixed, --fix deletes the stuck pod', async () => {
    kube.controllers.statefulSets.failPod(DEV, 'app', 'ImagePullBackOff', 'Back-off pulling image "registry.example.test/shop:nope"');
    await setImage('registry.example.test/shop:nope');
    await waitFor(() => kube.store.list(byKind('Pod'), DEV).some((pod) => JSON.stringify(pod.status ?? {}).includes('ImagePullBackOff')), 10_000, 'a broken pod');
    const broken = await doctor();
    assert.equal(broken.code, 1);
    const f = broken.report.findings.find((x) => x.code === 'kube.statefulset-stuck')!;
    assert.equal(f.fixable, false);
    assert.match(f.problem, /of the current template is broken \(app: ImagePullBackOff/);
    assert.match(f.fix, /fragctl dev rollback/);

    await setImage('registry.example.test/shop:latest-1');
    await new Promise((r) => setTimeout(r, 100));
    const stuck = await doctor();
    const g = stuck.report.findings.find((x) => x.code === 'kube.statefulset-stuck')!;
    assert.equal(g.fixable, true, JSON.stringify(stuck.report));
    assert.match(g.problem, /broken on an older template/);
    assert.match(g.fix, new RegExp(`kubectl -n ${DEV} delete pod app-0`));
    const fixed = await doctor('--fix', '--yes');
    assert.equal(fixed.code, 0, fixed.stderr);
    // the controller recreated the pod from the fixed template and the rollout finished
    await waitFor(() => {
      const st = kube.store.get(byKind('StatefulSet'), DEV, 'app')?.status as { readyReplicas?: number; currentRevision?: string; updateRevision?: string };
      return (st.readyReplicas ?? 0) >= 1 && st.currentRevision === st.updateRevision;
    }, 10_000, 'the rollout to finish');
    assert.ok(!kube.store.list(byKind('Pod'), DEV).some((pod) => JSON.stringify(pod.status ?? {}).includes('ImagePullBackOff')));
  });
});
