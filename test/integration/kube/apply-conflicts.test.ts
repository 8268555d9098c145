/**
 * Server-side apply without force, and invalid objects, on the real test control plane: a field
 * that `kubectl scale` took is not taken back silently (the verb names field and manager, exit 2,
 * nothing changed) until --force-conflicts; an object the API server rejects is named with its
 * field path before anything of the stack is applied (server-side dry run first).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, kubectl, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kc${uniqueSuffix()}`;
const DEV = `${APP}-alice-main`;
const BAD = `${APP}-kbad`;
let p: KubeProject;

const replicas = async () => (await getObject('statefulset', DEV, 'app'))?.spec?.replicas;
const image = async () =>
  ((await getObject('statefulset', DEV, 'app'))?.spec?.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!
    .image;

describe('server-side apply conflicts and invalid objects (real API server)', { concurrency: false }, () => {
  before(() => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
  });
  after(async () => {
    await dropNamespaces(DEV, BAD);
  });

  it('a replica count set by kubectl scale stops deploy and version-change, naming field and manager', async () => {
    const first = await p.run(['dev', 'deploy']);
    assert.equal(first.code, 0, first.stderr);
    await kubectl(['scale', 'statefulset', 'app', '-n', DEV, '--replicas=2']);
    const managers = ((await getObject('statefulset', DEV, 'app'))!.metadata.managedFields as Array<{ manager: string }>).map(
      (f) => f.manager,
    );
    const scaler = managers.find((m) => m.startsWith('kubectl'))!;
    assert.ok(scaler, `kubectl owns a field now: ${managers.join(', ')}`);

    const deploy = await p.run(['dev', 'deploy']);
    assert.equal(deploy.code, 2, deploy.stderr);
    assert.match(
      deploy.stderr,
      new RegExp(
        `error: cannot apply StatefulSet app: a field is managed by another field manager: spec\\.replicas \\(managed by "${scaler}"\\)`,
      ),
    );
    assert.match(
      deploy.stderr,
      new RegExp(
        `hint: +the field spec\\.replicas is managed by "${scaler}": remove it from the template, or pass --force-conflicts to take it`,
      ),
    );
    assert.match(deploy.stderr, /nothing was changed \(server-side dry run\)/);
    assert.equal(await replicas(), 2, 'the scale was not taken back');

    const plan = await p.run(['dev', 'plan']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`conflict +StatefulSet +app +spec\\.replicas \\(managed by "${scaler}"\\)`));
    assert.match(plan.stdout, /a deploy would stop at the conflicts above .* unless run with --force-conflicts/);

    const change = await p.run(['dev', 'version-change', '--tag', 'latest-2']);
    assert.equal(change.code, 2, change.stderr);
    assert.match(change.stderr, /spec\.replicas \(managed by "kubectl/);
    assert.equal(await image(), 'registry.example.test/shop:latest-1', 'the image was not changed');
    assert.equal(await replicas(), 2);
  });

  it('--force-conflicts takes the field back', async () => {
    const r = await p.run(['dev', 'version-change', '--tag', 'latest-2', '--force-conflicts']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await replicas(), 1);
    assert.equal(await image(), 'registry.example.test/shop:latest-2');
    const owners = (
      (await getObject('statefulset', DEV, 'app'))!.metadata.managedFields as Array<{
        manager: string;
        fieldsV1?: { 'f:spec'?: Record<string, unknown> };
      }>
    )
      .filter((f) => f.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined)
      .map((f) => f.manager);
    assert.deepEqual(owners, ['fragctl']);
  });

  it('an object the API server finds invalid: one line with the field path, exit 2, nothing of the stack applied', async () => {
    p.writeEnv(
      'kbad',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/shop\n  tag: latest-1\n  verify_image: false\n  host: Bad_Host.example.test\n`,
    );
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2, r.stderr);
    const error = r.stderr.split('\n').find((l) => l.startsWith('error:'))!;
    assert.match(
      error,
      /^error: Kubernetes refused Ingress app as invalid: spec\.rules\[0\]\.host: Invalid value: "Bad_Host\.example\.test"/,
    );
    assert.match(r.stderr, /hint: +fix spec\.rules\[0\]\.host of Ingress app/);
    // The Ingress comes last: without the dry run first, everything before it would exist now.
    for (const kind of ['statefulset', 'service', 'pvc', 'secret', 'serviceaccount']) {
      const left = (await listObjects(kind, BAD)).filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'fragctl');
      assert.deepEqual(
        left.map((o) => o.metadata.name),
        [],
        `no ${kind} was applied`,
      );
    }
  });
});
