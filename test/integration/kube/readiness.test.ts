/**
 * Readiness probes come from the settings: the reference templates render `readiness_path` and
 * `readiness_period_seconds` into the app's pod spec, which the real API server keeps; the deploy
 * returns once the pods report Ready (KWOK marks them; it runs no probe). Real test control plane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `rd${uniqueSuffix()}`;
const NS = `${APP}-probe`;
let p: KubeProject;

type Probe = { httpGet?: { path?: string; port?: string | number }; periodSeconds?: number };
const probeOf = async () =>
  (
    (await getObject('statefulset', NS, 'app'))!.spec!.template as { spec: { containers: Array<{ name: string; readinessProbe?: Probe }> } }
  ).spec.containers.find((c) => c.name === 'app')!.readinessProbe;

describe('readiness probes from the settings (real control plane)', () => {
  before(() => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    p.writeEnv(
      'probe',
      `platform: kubernetes\nsettings:\n  readiness_path: /healthz\n  readiness_period_seconds: 2\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/shop\n  verify_image: false\n  tag: latest-1\n`,
    );
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('the probe on the pods is the one the settings name, and deploy returned with the pods Ready', async () => {
    const r = await p.run(['probe', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    const probe = await probeOf();
    assert.deepEqual([probe?.httpGet?.path, probe?.httpGet?.port, probe?.periodSeconds], ['/healthz', 'http', 2]);
    const st = (await getObject('statefulset', NS, 'app'))!.status as { readyReplicas?: number; replicas?: number };
    assert.ok(st.replicas && st.readyReplicas === st.replicas, JSON.stringify(st));

    p.writeEnv(
      'probe',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/shop\n  verify_image: false\n  tag: latest-1\n`,
    );
    const plan = await p.run(['probe', 'plan', '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const objects = (
      JSON.parse(plan.stdout) as { objects: Array<{ kind: string; name: string; changes?: Array<{ path: string; after?: unknown }> }> }
    ).objects;
    const changes = objects.find((o) => o.kind === 'StatefulSet' && o.name === 'app')?.changes ?? [];
    assert.ok(
      changes.some((c) => c.path === 'spec.template.spec.containers.0.readinessProbe.httpGet.path' && c.after === '/'),
      `without the setting the default path / comes back: ${JSON.stringify(changes)}`,
    );
  });
});
