/**
 * Every Kubernetes verb through the real CLI against the fake API server, asserting what exists
 * in the cluster afterwards. One fake and one project for the file; the scenarios build on each
 * other in order (deploy, redeploy, version-change, timeouts, rollback, jobs, replicate, undeploy).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube, type FakeKube } from '../../fakes/kube/server.js';
import { byKind } from '../../fakes/kube/resources.js';
import { kubeProject, type KubeProject } from './setup.js';

const DEV = 'frag-alice-main';
const STAGING = 'frag-kube-staging';

let kube: FakeKube;
let p: KubeProject;

const get = (kind: string, ns: string | undefined, name: string) => kube.store.get(byKind(kind), ns, name);
const list = (kind: string, ns: string) => kube.store.list(byKind(kind), ns);
const appImage = (ns: string) => {
  const sts = get('StatefulSet', ns, 'app');
  return ((sts?.spec?.template as { spec: { containers: Array<{ image: string; imagePullPolicy?: string }> } }).spec.containers[0])!;
};
const restartedAt = (ns: string) =>
  ((get('StatefulSet', ns, 'app')?.spec?.template as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {})['kubectl.kubernetes.io/restartedAt'];
const json = <T>(text: string): T => JSON.parse(text) as T;

/** Until the app StatefulSet's rollout is complete in the fake (after a test released or recovered it). */
async function settled(ns: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const sts = get('StatefulSet', ns, 'app');
    const st = (sts?.status ?? {}) as { currentRevision?: string; updateRevision?: string; readyReplicas?: number };
    if (sts && st.currentRevision === st.updateRevision && (st.readyReplicas ?? 0) >= ((sts.spec?.replicas as number) ?? 1)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${ns}/app did not settle`);
}

describe('kubernetes verbs against the fake API server', { concurrency: false }, () => {
  before(async () => {
    kube = await startFakeKube({ stepMs: 5 });
    p = kubeProject(kube.kubeconfig());
  });
  after(async () => {
    await kube.close();
  });

  it('deploys a developer stack: namespace with user and stack, secrets, volumes, workloads, ingress, history', async () => {
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace: frag-alice-main/);
    assert.match(r.stdout, /url: +http:\/\/alice-main\.example\.test/);
    const ns = get('Namespace', undefined, DEV);
    assert.equal(ns?.metadata.labels?.['app.kubernetes.io/managed-by'], 'fragctl');
    for (const [kind, name] of [['ServiceAccount', 'app'], ['Secret', 'app-secrets'], ['Secret', 'postgres-credentials'], ['PersistentVolumeClaim', 'media'], ['PersistentVolumeClaim', 'database-data'], ['Service', 'app'], ['Service', 'postgres'], ['StatefulSet', 'postgres'], ['Ingress', 'app']] as const) {
      assert.ok(get(kind, DEV, name), `${kind} ${name} exists`);
    }
    assert.equal(appImage(DEV).image, 'registry.example.test/shop:latest-1');
    const ing = get('Ingress', DEV, 'app');
    assert.equal((ing?.spec?.rules as Array<{ host: string }>)[0]!.host, 'alice-main.example.test');
    const sts = get('StatefulSet', DEV, 'app')!;
    assert.equal((sts.status as { readyReplicas?: number }).readyReplicas, 1);
    assert.ok((sts.metadata.managedFields as Array<{ manager: string; operation: string }>).some((f) => f.manager === 'fragctl' && f.operation === 'Apply'));
    const history = get('ConfigMap', DEV, 'fragctl-history');
    assert.equal(Object.keys(history?.data as object).length, 1);
    // secret values never reach the output
    const secret = get('Secret', DEV, 'postgres-credentials')!;
    const password = Buffer.from((secret.data as Record<string, string>).password!, 'base64').toString();
    assert.ok(password.length >= 20);
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password));
  });

  it('a second deploy regenerates no secret and restarts nothing', async () => {
    const before = get('Secret', DEV, 'app-secrets')!;
    const stsBefore = get('StatefulSet', DEV, 'app')!;
    const r = await p.run(['dev', 'deploy', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ revision: number; secretsCreated: string[]; image: string }>(r.stdout);
    assert.deepEqual(out.secretsCreated, []);
    assert.equal(out.revision, 2);
    assert.deepEqual(get('Secret', DEV, 'app-secrets')!.data, before.data);
    assert.equal(get('StatefulSet', DEV, 'app')!.metadata.generation, stsBefore.metadata.generation);
  });

  it('version-change sets the tag and the restart annotation and waits for the rollout', async () => {
    const r = await p.run(['dev', 'version-change', '--tag', 'latest-2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ revision: number; image: string; restartedAt: string }>(r.stdout);
    assert.equal(out.image, 'registry.example.test/shop:latest-2');
    assert.equal(appImage(DEV).image, 'registry.example.test/shop:latest-2');
    assert.equal(appImage(DEV).imagePullPolicy, 'IfNotPresent');
    assert.equal(restartedAt(DEV), out.restartedAt);
    const sts = get('StatefulSet', DEV, 'app')!;
    const st = sts.status as { currentRevision: string; updateRevision: string; readyReplicas: number };
    assert.equal(st.currentRevision, st.updateRevision);
    assert.equal(st.readyReplicas, 1);
  });

  it('a moving tag is pulled always, and the same tag again still restarts', async () => {
    const r1 = await p.run(['dev', 'version-change', '--tag', 'latest']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(appImage(DEV).imagePullPolicy, 'Always');
    const first = restartedAt(DEV);
    const gen = get('StatefulSet', DEV, 'app')!.metadata.generation!;
    const r2 = await p.run(['dev', 'version-change']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.notEqual(restartedAt(DEV), first);
    assert.ok(get('StatefulSet', DEV, 'app')!.metadata.generation! > gen);
  });

  it('a held rollout times out with a non-zero exit', async () => {
    kube.controllers.statefulSets.hold(DEV, 'app');
    try {
      const r = await p.run(['dev', 'version-change', '--tag', 'latest-3', '--timeout', '1s']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /rollout of app in frag-alice-main did not finish within 1 s/);
    } finally {
      kube.controllers.statefulSets.release(DEV, 'app');
    }
    await settled(DEV);
  });

  it('a stuck pod is named with its reason on timeout', async () => {
    kube.controllers.statefulSets.failPod(DEV, 'app', 'ImagePullBackOff', 'Back-off pulling image "registry.example.test/shop:broken"');
    const r = await p.run(['dev', 'version-change', '--tag', 'broken', '--timeout', '1s']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /pod app-0 is stuck: ImagePullBackOff/);
    assert.match(r.stderr, /Back-off pulling image/);
  });

  it('rollback returns to the previous image (replacing the stuck pod) and --to goes to an earlier revision', async () => {
    kube.controllers.statefulSets.recover(DEV, 'app');
    const r = await p.run(['dev', 'rollback', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(appImage(DEV).image, 'registry.example.test/shop:latest');
    const out = json<{ toRevision: number; revision: number }>(r.stdout);
    const r2 = await p.run(['dev', 'rollback', '--to', '1']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(appImage(DEV).image, 'registry.example.test/shop:latest-1');
    const h = await p.run(['dev', 'history', '--json']);
    const entries = json<{ entries: Array<{ revision: number; verb: string; image: string; who: string; note?: string }> }>(h.stdout).entries;
    assert.equal(entries.at(-1)!.verb, 'rollback');
    assert.equal(entries.at(-1)!.note, 'to revision 1');
    assert.equal(entries.at(-1)!.who, 'alice');
    assert.ok(entries.some((e) => e.revision === out.revision));
    const bad = await p.run(['dev', 'rollback', '--to', '99']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /revision 99 is not in the deploy history/);
  });

  it('status reports workloads and the last deploy, as text and JSON', async () => {
    const r = await p.run(['dev', 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = json<{ deployed: boolean; namespace: string; workloads: Array<{ name: string; rolledOut: boolean; image: string }>; lastDeploy: { verb: string } }>(r.stdout);
    assert.equal(s.deployed, true);
    assert.equal(s.namespace, DEV);
    assert.deepEqual(s.workloads.map((w) => [w.name, w.rolledOut]).sort(), [['app', true], ['postgres', true]]);
    assert.equal(s.lastDeploy.verb, 'rollback');
  });

  it('load runs the loader Job and reports its last log lines; old loaders are cleaned', async () => {
    const sub = kube.store.subscribe((e) => {
      if (e.rt === byKind('Job') && e.type === 'ADDED') kube.controllers.jobs.setLog(DEV, e.object.metadata.name!, 'fetching\nloaded 42 rows\n');
    });
    try {
      const r1 = await p.run(['dev', 'load', '--origin', 's3://bucket/dump']);
      assert.equal(r1.code, 0, r1.stderr);
      assert.match(r1.stdout, /succeeded/);
      assert.match(r1.stdout, /loaded 42 rows/);
      const r2 = await p.run(['dev', 'load', '--origin', '/mnt/data', '--type', 'nfs']);
      assert.equal(r2.code, 0, r2.stderr);
    } finally {
      sub();
    }
    const jobs = list('Job', DEV).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'loader');
    assert.equal(jobs.length, 1, 'the first loader was deleted before the second ran');
    const env = ((jobs[0]!.spec!.template as { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } }).spec.containers[0]!.env);
    assert.deepEqual(env.find((e) => e.name === 'LOAD_ORIGIN')?.value, '/mnt/data');
  });

  it('a failed loader Job is reported as failed with its log', async () => {
    kube.controllers.jobs.failNext({ namespace: DEV, log: 'connecting to s3\nerror: access denied to s3://bucket/dump\n' });
    const r = await p.run(['dev', 'load', '--origin', 's3://bucket/dump']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /data load failed: job loader-/);
    assert.match(r.stderr, /error: access denied to s3:\/\/bucket\/dump/);
  });

  it('a loader still running is refused (named, with its age) unless --replace', async () => {
    const sub = kube.store.subscribe((e) => {
      if (e.rt === byKind('Job') && e.type === 'ADDED') kube.controllers.jobs.hold(DEV, e.object.metadata.name!);
    });
    // The first loader outlives its run: fragctl stops waiting, the Job goes on in the cluster.
    const first = await p.run(['dev', 'load', '--origin', '/mnt/a', '--timeout', '1s']);
    sub();
    assert.equal(first.code, 1);
    assert.match(first.stderr, /did not finish within 1 s/);
    const running = list('Job', DEV).find((j) => !j.status?.conditions && j.metadata.labels?.['fragctl.io/task'] === 'loader')?.metadata.name;
    assert.ok(running, 'the first loader started');
    const refused = await p.run(['dev', 'load', '--origin', '/mnt/b']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`a data loader is still running in ${DEV}: ${running} \\(started \\d+s ago\\)`));
    assert.match(refused.stderr, /--replace/);
    const replaced = await p.run(['dev', 'load', '--origin', '/mnt/b', '--replace']);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(get('Job', DEV, running!), undefined, 'the running loader was deleted');
    assert.equal(kube.store.list(byKind('Pod'), DEV, (pod) => pod.metadata.labels?.['fragctl.io/job'] === running).length, 0, 'and its pod');
  });

  it('replicate refuses a version mismatch, runs a one-off Job, makes a CronJob that forbids overlap', async () => {
    const d = await p.run(['kube-staging', 'deploy', '--tag', 'latest-9']);
    assert.equal(d.code, 0, d.stderr);
    const mismatch = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging']);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /dev runs latest-1 but kube-staging runs latest-9/);
    assert.equal(list('Job', DEV).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'replicate-db').length, 0);
    const once = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging', '--allow-version-mismatch', '--json']);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(json<{ job: { state: string } }>(once.stdout).job.state, 'succeeded');
    const cron = await p.run(['dev', 'replicate', 'media', '--from', 'kube-staging', '--schedule', '0 3 * * *', '--allow-version-mismatch']);
    assert.equal(cron.code, 0, cron.stderr);
    const cj = get('CronJob', DEV, 'replicate-media')!;
    assert.equal(cj.spec?.concurrencyPolicy, 'Forbid');
    assert.equal(cj.spec?.schedule, '0 3 * * *');
    const into = await p.run(['kube-production', 'replicate', 'db', '--from', 'kube-staging']);
    assert.equal(into.code, 2);
    assert.match(into.stderr, /refusing to replicate into kube-production: it is a protected environment/);
  });

  it('undeploy needs the typed confirmation (or --yes) and removes everything; protected needs --force-protected', async () => {
    const noConfirm = await p.run(['dev', 'undeploy']);
    assert.equal(noConfirm.code, 2);
    assert.match(noConfirm.stderr, /confirmation needed/);
    assert.ok(get('Namespace', undefined, DEV));
    const prod = await p.run(['kube-production', 'undeploy', '--yes']);
    assert.equal(prod.code, 2);
    assert.match(prod.stderr, /kube-production is protected/);
    const r = await p.run(['dev', 'undeploy', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace frag-alice-main deleted/);
    assert.equal(get('Namespace', undefined, DEV), undefined);
    for (const kind of ['StatefulSet', 'Pod', 'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Job', 'CronJob', 'Service', 'Ingress']) {
      assert.equal(list(kind, DEV).length, 0, `no ${kind} left`);
    }
    assert.ok(get('Namespace', undefined, STAGING), 'other stacks stay');
  });
});
