/**
 * Proves the fake Kubernetes API server (test/fakes/kube) against real clients: the
 * kubectl binary (v1.32) and @kubernetes/client-node 1.4.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ApiException, AppsV1Api, BatchV1Api, CoreV1Api, PatchStrategy, Watch, setHeaderOptions,
  type V1ConfigMap, type V1Job, type V1Pod, type V1StatefulSet,
} from '@kubernetes/client-node';
import { kubeConfigFor, kubectlFor, waitFor, type Kubectl } from '../fakes/kube/clients.js';
import { startFakeKube, type FakeKube } from '../fakes/kube/server.js';

let kube: FakeKube;
let kubectl: Kubectl;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;

before(async () => {
  kube = await startFakeKube({ stepMs: 5 });
  kubectl = kubectlFor(kube);
  const kc = kubeConfigFor(kube);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  batch = kc.makeApiClient(BatchV1Api);
});

after(async () => {
  kubectl.dispose();
  await kube.close();
});

const patchAs = (type: string) => setHeaderOptions('Content-Type', type);

/** The Status object of a failed client-node call. */
async function failure(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: { causes?: Array<{ field?: string }> } }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
    const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    const status = body as { code: number; reason: string; message: string; kind: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.code, err.code);
    return status;
  }
  assert.fail('expected the call to fail');
}

async function newNamespace(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

const stsManifest = (ns: string, replicas = 3) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: ${replicas}
  serviceName: web
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

const readSts = (ns: string) => apps.readNamespacedStatefulSet({ name: 'web', namespace: ns });
const podsOf = async (ns: string, selector = 'app=web') => (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items;

async function applyAndSettle(ns: string): Promise<V1StatefulSet> {
  const out = await kubectl.run(['apply', '--server-side', '-f', '-'], stsManifest(ns));
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`namespace/${ns} serverside-applied`));
  assert.match(out.stdout, /statefulset.apps\/web serverside-applied/);
  assert.match(out.stdout, /service\/web serverside-applied/);
  const status = await kubectl.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=20s']);
  assert.equal(status.code, 0, status.stderr);
  return readSts(ns);
}

test('kubectl get ns lists the namespaces a cluster starts with', async () => {
  const out = await kubectl.run(['get', 'ns', '-o', 'name']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(out.stdout.trim().split('\n').sort(), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
  const missing = await kubectl.run(['get', 'ns', 'nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /namespaces "nope" not found/);
});

test('kubectl apply --server-side creates objects the controller rolls out; get -o json reads them back', async () => {
  const sts = await applyAndSettle('k-apply');
  const json = await kubectl.run(['-n', 'k-apply', 'get', 'statefulset', 'web', '-o', 'json', '--show-managed-fields']);
  assert.equal(json.code, 0, json.stderr);
  const obj = JSON.parse(json.stdout) as V1StatefulSet;
  assert.equal(obj.kind, 'StatefulSet');
  assert.equal(obj.spec?.replicas, 3);
  assert.equal(obj.metadata?.generation, 1);
  assert.equal(obj.metadata?.uid, sts.metadata?.uid);
  assert.match(obj.metadata?.resourceVersion ?? '', /^\d+$/);
  assert.equal(obj.spec?.updateStrategy?.type, 'RollingUpdate', 'defaulted like a real server');
  assert.ok(obj.metadata?.managedFields?.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'));
  assert.equal(obj.status?.readyReplicas, 3);
  assert.equal(obj.status?.currentRevision, obj.status?.updateRevision);
  const pods = await podsOf('k-apply');
  assert.deepEqual(pods.map((p) => p.metadata?.name), ['web-0', 'web-1', 'web-2']);
  for (const p of pods) {
    assert.equal(p.metadata?.labels?.['controller-revision-hash'], obj.status?.updateRevision);
    assert.equal(p.metadata?.labels?.tier, 'front');
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status?.containerStatuses?.[0]?.ready, true);
  }
  const svc = await core.readNamespacedService({ name: 'web', namespace: 'k-apply' });
  assert.match(svc.spec?.clusterIP ?? '', /^10\.96\.\d+\.\d+$/);
  assert.equal(svc.spec?.ports?.[0]?.targetPort, 80);
});

test('kubectl rollout restart bumps the revision and rollout status waits for every pod', async () => {
  const before = await applyAndSettle('k-restart');
  const restart = await kubectl.run(['-n', 'k-restart', 'rollout', 'restart', 'statefulset/web']);
  assert.equal(restart.code, 0, restart.stderr);
  assert.match(restart.stdout, /statefulset.apps\/web restarted/);
  const status = await kubectl.run(['-n', 'k-restart', 'rollout', 'status', 'statefulset/web', '--timeout=20s']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /roll out complete: 3 new pods have been updated/);
  const after = await readSts('k-restart');
  assert.equal(after.metadata?.generation, 2);
  assert.ok(after.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  assert.notEqual(after.status?.updateRevision, before.status?.updateRevision);
  assert.equal(after.status?.currentRevision, after.status?.updateRevision);
  assert.equal(after.status?.observedGeneration, 2);
  assert.equal(after.status?.updatedReplicas, 3);
  const hashes = (await podsOf('k-restart')).map((p) => p.metadata?.labels?.['controller-revision-hash']);
  assert.deepEqual(hashes, [after.status?.updateRevision, after.status?.updateRevision, after.status?.updateRevision]);
});

test('a held rollout makes kubectl rollout status time out; release lets it finish', async () => {
  await applyAndSettle('k-held');
  kube.controllers.statefulSets.hold('k-held', 'web');
  assert.equal((await kubectl.run(['-n', 'k-held', 'rollout', 'restart', 'statefulset/web'])).code, 0);
  const stuck = await kubectl.run(['-n', 'k-held', 'rollout', 'status', 'statefulset/web', '--timeout=2s']);
  assert.notEqual(stuck.code, 0);
  assert.match(stuck.stderr, /timed out/);
  const held = await readSts('k-held');
  assert.notEqual(held.status?.currentRevision, held.status?.updateRevision);
  assert.equal(held.status?.updatedReplicas, undefined, 'no pod updated while held (zero is omitted, as in Go)');
  kube.controllers.statefulSets.release('k-held', 'web');
  const done = await kubectl.run(['-n', 'k-held', 'rollout', 'status', 'statefulset/web', '--timeout=20s']);
  assert.equal(done.code, 0, done.stderr);
});

test('failPod leaves the updated pod in ImagePullBackOff and blocks the rollout until the pod is replaced', async () => {
  const ns = 'k-fail';
  const before = await applyAndSettle(ns);
  kube.controllers.statefulSets.failPod(ns, 'web', 'ImagePullBackOff');
  await apps.patchNamespacedStatefulSet(
    { name: 'web', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:broken' }] } } } } },
    patchAs(PatchStrategy.StrategicMergePatch),
  );
  const stuckPod = await waitFor(async () => {
    const p = (await podsOf(ns)).find((x) => x.metadata?.name === 'web-2'); // briefly absent while replaced
    return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' && p;
  }, 5000, 'web-2 in ImagePullBackOff');
  assert.equal(stuckPod.status?.phase, 'Pending');
  assert.equal(stuckPod.spec?.containers[0]?.image, 'nginx:broken');
  const status = await kubectl.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=2s']);
  assert.notEqual(status.code, 0);
  const pods = await podsOf(ns);
  assert.equal(pods.find((p) => p.metadata?.name === 'web-0')?.metadata?.labels?.['controller-revision-hash'], before.status?.updateRevision, 'web-0 never updated');
  // Reverting the spec alone does not unstick a real StatefulSet: the broken pod must go.
  await apps.patchNamespacedStatefulSet(
    { name: 'web', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } } },
    patchAs(PatchStrategy.StrategicMergePatch),
  );
  await core.deleteNamespacedPod({ name: 'web-2', namespace: ns });
  const done = await kubectl.run(['-n', ns, 'rollout', 'status', 'statefulset/web', '--timeout=20s']);
  assert.equal(done.code, 0, done.stderr);
  assert.equal((await readSts(ns)).status?.updateRevision, before.status?.updateRevision, 'back at the original revision');
});

test('kubectl delete ns cascades to everything inside it', async () => {
  await applyAndSettle('k-delete');
  await core.createNamespacedConfigMap({ namespace: 'k-delete', body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
  const out = await kubectl.run(['delete', 'ns', 'k-delete', '--timeout=20s']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /namespace "k-delete" deleted/);
  assert.equal((await failure(core.readNamespace({ name: 'k-delete' }))).code, 404);
  assert.equal((await failure(apps.readNamespacedStatefulSet({ name: 'web', namespace: 'k-delete' }))).code, 404);
  assert.deepEqual((await core.listPodForAllNamespaces()).items.filter((p) => p.metadata?.namespace === 'k-delete'), []);
  assert.deepEqual((await core.listConfigMapForAllNamespaces()).items.filter((c) => c.metadata?.namespace === 'k-delete'), []);
});

test('client-node: create, get, AlreadyExists, NotFound, and 409 on a stale PUT', async () => {
  const ns = await newNamespace('c-crud');
  const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
  assert.match(cm.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(cm.metadata?.creationTimestamp instanceof Date);
  const dup = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cfg' } } }));
  assert.deepEqual([dup.code, dup.reason, dup.message], [409, 'AlreadyExists', 'configmaps "cfg" already exists']);
  const missing = await failure(core.readNamespacedConfigMap({ name: 'nope', namespace: ns }));
  assert.deepEqual([missing.code, missing.reason], [404, 'NotFound']);
  const noNs = await failure(core.createNamespacedConfigMap({ namespace: 'no-such-ns', body: { metadata: { name: 'x' } } }));
  assert.equal(noNs.message, 'namespaces "no-such-ns" not found');

  const fresh = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...cm, data: { a: '2' } } });
  assert.ok(Number(fresh.metadata?.resourceVersion) > Number(cm.metadata?.resourceVersion));
  const stale = await failure(core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...cm, data: { a: '3' } } }));
  assert.deepEqual([stale.code, stale.reason], [409, 'Conflict']);
  assert.equal((await core.readNamespacedConfigMap({ name: 'cfg', namespace: ns })).data?.a, '2');
});

test('client-node: strategic merge merges containers by name; merge patch replaces lists; JSON patch', async () => {
  const ns = await newNamespace('c-patch');
  kube.controllers.statefulSets.hold(ns, 'db');
  await apps.createNamespacedStatefulSet({ namespace: ns, body: {
    metadata: { name: 'db', labels: { app: 'db' } },
    spec: {
      serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [
        { name: 'db', image: 'postgres:16', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
        { name: 'exporter', image: 'exporter:1' },
      ] } },
    },
  } });
  const smp = await apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: { spec: { template: { spec: { containers: [
    { name: 'exporter', image: 'exporter:2' },
    { name: 'db', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] },
  ] } } } } }, patchAs(PatchStrategy.StrategicMergePatch));
  const cs = smp.spec?.template.spec?.containers ?? [];
  assert.deepEqual(cs.map((c) => [c.name, c.image]), [['db', 'postgres:16'], ['exporter', 'exporter:2']]);
  assert.deepEqual(cs[0]?.env?.map((e) => `${e.name}=${e.value}`), ['A=1', 'B=two', 'C=3']);
  assert.deepEqual(cs[0]?.volumeMounts?.map((m) => [m.mountPath, m.readOnly]), [['/data', true]]);
  assert.equal(smp.metadata?.generation, 2);

  const del = await apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'exporter', $patch: 'delete' }] } } } } }, patchAs(PatchStrategy.StrategicMergePatch));
  assert.deepEqual(del.spec?.template.spec?.containers.map((c) => c.name), ['db']);

  const merge = await apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox:1' }] } } } } }, patchAs(PatchStrategy.MergePatch));
  assert.deepEqual(merge.spec?.template.spec?.containers.map((c) => c.name), ['only'], 'RFC 7386 replaces the list');

  const jp = await apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: [
    { op: 'replace', path: '/spec/replicas', value: 2 },
    { op: 'add', path: '/metadata/labels/tier', value: 'data' },
  ] }, patchAs(PatchStrategy.JsonPatch));
  assert.equal(jp.spec?.replicas, 2);
  assert.deepEqual(jp.metadata?.labels, { app: 'db', tier: 'data' });
  const badTest = await failure(apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: [{ op: 'test', path: '/spec/replicas', value: 5 }] }, patchAs(PatchStrategy.JsonPatch)));
  assert.equal(badTest.code, 422);
  const immutable = await failure(apps.patchNamespacedStatefulSet({ name: 'db', namespace: ns, body: { spec: { serviceName: 'other' } } }, patchAs(PatchStrategy.MergePatch)));
  assert.equal(immutable.code, 422);
  assert.match(immutable.message, /updates to statefulset spec for fields other than/);
});

test('client-node: server-side apply creates when missing and records the field manager', async () => {
  const ns = await newNamespace('c-ssa');
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: ns }, data: { a: '1' } };
  const created = await core.patchNamespacedConfigMap({ name: 'app', namespace: ns, body, fieldManager: 'fragctl' }, patchAs(PatchStrategy.ServerSideApply));
  assert.equal(created.data?.a, '1');
  assert.deepEqual(created.metadata?.managedFields?.map((m) => [m.manager, m.operation]), [['fragctl', 'Apply']]);
  const apply = (manager: string, data: Record<string, string>, labels?: Record<string, string>) =>
    core.patchNamespacedConfigMap({ name: 'app', namespace: ns, body: { ...body, metadata: { ...body.metadata, ...(labels ? { labels } : {}) }, data }, fieldManager: manager }, patchAs(PatchStrategy.ServerSideApply));
  assert.deepEqual((await apply('ops', { c: '3' })).data, { a: '1', c: '3' }, 'another manager adds its field');
  const again = await apply('fragctl', { b: '2' }, { team: 'x' });
  assert.deepEqual(again.data, { b: '2', c: '3' }, 'a field the manager dropped is removed; the other manager keeps its own');
  assert.deepEqual(again.metadata?.labels, { team: 'x' });
  assert.equal(again.metadata?.uid, created.metadata?.uid);
  const fields = again.metadata?.managedFields?.find((m) => m.manager === 'fragctl')?.fieldsV1 as Record<string, unknown>;
  assert.deepEqual(fields, { 'f:data': { 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } });
  const unlabeled = await apply('fragctl', { b: '2' });
  assert.equal(unlabeled.metadata?.labels, undefined);
  const noManager = await failure(core.patchNamespacedConfigMap({ name: 'app', namespace: ns, body }, patchAs(PatchStrategy.ServerSideApply)));
  assert.equal(noManager.code, 422);
});

test('client-node: label and field selectors, deletecollection', async () => {
  const ns = await newNamespace('c-select');
  const make = (name: string, labels: Record<string, string>) => core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels } } });
  await make('a', { app: 'shop', tier: 'web' });
  await make('b', { app: 'shop', tier: 'db', canary: 'true' });
  await make('c', { app: 'blog', tier: 'web' });
  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedConfigMap({ namespace: ns, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })).items.map((c) => c.metadata?.name);
  assert.deepEqual(await names('app=shop'), ['a', 'b']);
  assert.deepEqual(await names('app!=shop,tier'), ['c']);
  assert.deepEqual(await names('tier in (db, web),app notin (blog)'), ['a', 'b']);
  assert.deepEqual(await names('!canary,app=shop'), ['a']);
  assert.deepEqual(await names('canary'), ['b']);
  assert.deepEqual(await names(undefined, 'metadata.name=c'), ['c']);
  assert.deepEqual(await names(undefined, 'metadata.name!=c,metadata.namespace=c-select'), ['a', 'b', 'kube-root-ca.crt']);
  assert.equal((await failure(core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.a=1' }))).code, 400);
  const list = await core.listNamespacedConfigMap({ namespace: ns });
  assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
  await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'app=shop' });
  assert.deepEqual(await names(), ['c', 'kube-root-ca.crt']);
});

test('client-node: watch streams ADDED/MODIFIED/DELETED for the selector, from a resourceVersion', async () => {
  const ns = await newNamespace('c-watch');
  const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before', labels: { w: 'yes' } } } });
  const events: string[] = [];
  const watch = new Watch(kubeConfigFor(kube));
  const ctl = await watch.watch(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'w=yes', resourceVersion: first.metadata?.resourceVersion }, (type, obj: V1ConfigMap) => {
    events.push(`${type} ${obj.metadata?.name} ${obj.data?.v ?? ''}`.trim());
  }, () => undefined);
  try {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'x', labels: { w: 'yes' } }, data: { v: '1' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'other', labels: { w: 'no' } } } });
    await core.patchNamespacedConfigMap({ name: 'x', namespace: ns, body: { data: { v: '2' } } }, patchAs(PatchStrategy.MergePatch));
    await core.patchNamespacedConfigMap({ name: 'other', namespace: ns, body: { metadata: { labels: { w: 'yes' } } } }, patchAs(PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'x', namespace: ns });
    await waitFor(() => events.length >= 4, 3000, 'watch events');
    assert.deepEqual(events, ['ADDED x 1', 'MODIFIED x 2', 'ADDED other', 'DELETED x 2']);
  } finally {
    ctl.abort();
  }
});

test('client-node: 422 Invalid for objects the schemas reject', async () => {
  const ns = await newNamespace('c-invalid');
  const badReplicas = await failure(apps.createNamespacedStatefulSet({ namespace: ns, body: {
    metadata: { name: 'x' },
    spec: { replicas: 'three' as unknown as number, serviceName: 'x', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  } }));
  assert.deepEqual([badReplicas.code, badReplicas.reason], [422, 'Invalid']);
  assert.ok(badReplicas.details?.causes?.some((c) => c.field === 'spec.replicas'));
  const noName = await failure(core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'p' }, spec: { containers: [{ image: 'i' } as unknown as { name: string }] } } }));
  assert.ok(noName.details?.causes?.some((c) => c.field === 'spec.containers[0].name'));
  const badName = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'Bad_Name' } } }));
  assert.equal(badName.code, 422);
  const mismatch = await failure(apps.createNamespacedStatefulSet({ namespace: ns, body: {
    metadata: { name: 'y' },
    spec: { serviceName: 'y', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  } }));
  assert.match(mismatch.message, /selector` does not match template `labels`/);
  assert.deepEqual((await apps.listNamespacedStatefulSet({ namespace: ns })).items, []);
});

test('client-node: status subresource is written apart from spec', async () => {
  const ns = await newNamespace('c-status');
  const svc = await core.createNamespacedService({ namespace: ns, body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } });
  const lb = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
  const put = await core.replaceNamespacedService({ name: 's', namespace: ns, body: { ...svc, spec: { ...svc.spec, ports: [{ port: 81 }] }, status: lb } });
  assert.equal(put.spec?.ports?.[0]?.port, 81);
  assert.equal(put.status?.loadBalancer?.ingress, undefined, 'status ignored on the main resource');
  const st = await core.replaceNamespacedServiceStatus({ name: 's', namespace: ns, body: { ...put, spec: { ...put.spec, ports: [{ port: 99 }] }, status: lb } });
  assert.equal(st.status?.loadBalancer?.ingress?.[0]?.ip, '192.0.2.10');
  assert.equal(st.spec?.ports?.[0]?.port, 81, 'spec ignored on /status');

  const sts = await apps.createNamespacedStatefulSet({ namespace: ns, body: {
    metadata: { name: 'g' }, spec: { serviceName: 'g', replicas: 0, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  } });
  const relabeled = await apps.patchNamespacedStatefulSet({ name: 'g', namespace: ns, body: { metadata: { labels: { x: 'y' } } } }, patchAs(PatchStrategy.MergePatch));
  assert.equal(relabeled.metadata?.generation, sts.metadata?.generation, 'metadata changes keep the generation');
});

const jobBody = (name: string, backoffLimit = 6): V1Job => ({
  metadata: { name },
  spec: { backoffLimit, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'app:1', command: ['migrate'] }] } } },
});

const jobCondition = (ns: string, name: string) => waitFor(async () => {
  const j = await batch.readNamespacedJob({ name, namespace: ns });
  return (j.status?.conditions ?? []).some((c) => c.type === 'Complete' || c.type === 'Failed') && j;
}, 5000, `job ${name} to finish`);

test('client-node: a Job succeeds; its pod is found by job-name and its log is served', async () => {
  const ns = await newNamespace('c-job');
  kube.controllers.jobs.setLog(ns, 'migrate', 'applied 3 migrations\n');
  await batch.createNamespacedJob({ namespace: ns, body: jobBody('migrate') });
  const job = await jobCondition(ns, 'migrate');
  assert.equal(job.status?.succeeded, 1);
  assert.equal(job.status?.failed, undefined);
  assert.ok(job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'));
  assert.ok(job.status?.completionTime instanceof Date);
  const [pod, ...rest]: V1Pod[] = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=migrate' })).items;
  assert.equal(rest.length, 0);
  assert.equal(pod?.status?.phase, 'Succeeded');
  assert.equal(pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  assert.equal(await core.readNamespacedPodLog({ name: pod?.metadata?.name ?? '', namespace: ns }), 'applied 3 migrations\n');
  const succeeded = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Succeeded' });
  assert.equal(succeeded.items.length, 1);
});

test('client-node: a Job fails after backoffLimit; held Jobs stay active until released', async () => {
  const ns = await newNamespace('c-jobfail');
  kube.controllers.jobs.failNext({ name: 'bad', log: 'error: relation "users" does not exist\n', exitCode: 3 });
  await batch.createNamespacedJob({ namespace: ns, body: jobBody('bad', 1) });
  const bad = await jobCondition(ns, 'bad');
  assert.equal(bad.status?.failed, 2);
  assert.equal(bad.status?.succeeded, undefined);
  assert.ok(bad.status?.conditions?.some((c) => c.type === 'Failed' && c.reason === 'BackoffLimitExceeded'));
  const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=bad' })).items;
  assert.deepEqual(pods.map((p) => p.status?.phase), ['Failed', 'Failed']);
  assert.equal(pods[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  assert.match(await core.readNamespacedPodLog({ name: pods[0]?.metadata?.name ?? '', namespace: ns }), /relation "users" does not exist/);

  kube.controllers.jobs.hold(ns, 'slow');
  await batch.createNamespacedJob({ namespace: ns, body: jobBody('slow') });
  await waitFor(async () => (await batch.readNamespacedJob({ name: 'slow', namespace: ns })).status?.active === 1, 3000, 'slow active');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await batch.readNamespacedJob({ name: 'slow', namespace: ns })).status?.conditions, undefined);
  kube.controllers.jobs.release(ns, 'slow');
  assert.equal((await jobCondition(ns, 'slow')).status?.succeeded, 1);
});

test('requests are logged and faults can be injected', async () => {
  kube.requests.clear();
  await core.listNamespace();
  await core.readNamespace({ name: 'default' });
  assert.equal(kube.requests.count({ method: 'GET', path: '/api/v1/namespaces' }), 1);
  assert.equal(kube.requests.count({ path: /^\/api\/v1\/namespaces/ }), 2);

  kube.requests.failNext(1, 403, { path: '/api/v1/namespaces/default' });
  const denied = await failure(core.readNamespace({ name: 'default' }));
  assert.deepEqual([denied.code, denied.reason], [403, 'Forbidden']);
  kube.requests.failNext(2, 500);
  assert.equal((await failure(core.listNamespace())).reason, 'InternalError');
  assert.equal((await failure(core.listNamespace())).code, 500);
  assert.equal((await core.readNamespace({ name: 'default' })).metadata?.name, 'default');
  assert.deepEqual(kube.requests.log.slice(-4).map((r) => r.status), [403, 500, 500, 200]);
});

test('client-node: namespace deletion passes through Terminating; a watch without resourceVersion starts with the current state', async () => {
  const ns = await newNamespace('c-term');
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'keep' } } });
  const seen: string[] = [];
  const ctl = await new Watch(kubeConfigFor(kube)).watch(`/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: 'metadata.name=keep' }, (type, obj: V1ConfigMap) => {
    seen.push(`${type} ${obj.metadata?.name}`);
  }, () => undefined);
  try {
    const deleted = await core.deleteNamespace({ name: ns });
    assert.equal((deleted as { status?: { phase?: string } }).status?.phase, 'Terminating');
    const blocked = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'late' } } }));
    assert.equal(blocked.code, 403);
    await waitFor(async () => (await core.listNamespace()).items.every((n) => n.metadata?.name !== ns), 3000, 'namespace gone');
    await waitFor(() => seen.length >= 2, 3000, 'watch events');
    assert.deepEqual(seen, ['ADDED keep', 'DELETED keep']);
  } finally {
    ctl.abort();
  }
});
