/**
 * Every Kubernetes verb through the real CLI against the real test control plane (kube-apiserver,
 * controllers, scheduler, KWOK nodes), asserting what exists in the cluster afterwards. One project
 * for the file, its own application name so no other file's namespaces meet it; the scenarios
 * build on each other in order (deploy, redeploy, version-change, a crashing tag, a failing
 * loader, rollback, jobs, replicate, undeploy). Image tags steer KWOK: `crash*` never becomes
 * ready (CrashLoopBackOff; Job pods fail), `hang*` Job pods run until deleted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dropNamespaces,
  getObject,
  kubectl,
  listObjects,
  releaseKeptVolumes,
  testCluster,
  uniqueSuffix,
  type KubeObj,
} from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kv${uniqueSuffix()}`;
const DEV = `${APP}-alice-main`;
const STAGING = `${APP}-kube-staging`;

let p: KubeProject;

const get = (kind: string, ns: string | undefined, name: string) => getObject(kind, ns, name);
const list = (kind: string, ns: string) => listObjects(kind, ns);
type Container = { image: string; imagePullPolicy?: string; env?: Array<{ name: string; value: string }> };
const podSpec = (o: KubeObj) =>
  o.spec!.template as { metadata?: { annotations?: Record<string, string> }; spec: { containers: Container[] } };
const appImage = async (ns: string) => podSpec((await get('statefulset', ns, 'app'))!).spec.containers[0]!;
const restartedAt = async (ns: string) =>
  (podSpec((await get('statefulset', ns, 'app'))!).metadata?.annotations ?? {})['kubectl.kubernetes.io/restartedAt'];
const json = <T>(text: string): T => JSON.parse(text) as T;

describe('kubernetes verbs against the test control plane', { concurrency: false }, () => {
  before(() => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
  });
  after(async () => {
    await dropNamespaces(DEV, STAGING);
  });

  it('deploys a developer stack: namespace with user and stack, secrets, volumes, workloads, ingress, history', async () => {
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`namespace: ${DEV}`));
    assert.match(r.stdout, /url: +http:\/\/alice-main\.example\.test/);
    const ns = await get('namespace', undefined, DEV);
    assert.equal(ns?.metadata.labels?.['app.kubernetes.io/managed-by'], 'fragctl');
    for (const [kind, name] of [
      ['serviceaccount', 'app'],
      ['secret', 'app-secrets'],
      ['secret', 'postgres-credentials'],
      ['pvc', 'media'],
      ['pvc', 'database-data'],
      ['service', 'app'],
      ['service', 'postgres'],
      ['statefulset', 'postgres'],
      ['ingress', 'app'],
    ] as const) {
      assert.ok(await get(kind, DEV, name), `${kind} ${name} exists`);
    }
    assert.equal((await appImage(DEV)).image, 'registry.example.test/shop:latest-1');
    const ing = await get('ingress', DEV, 'app');
    assert.equal((ing?.spec?.rules as Array<{ host: string }>)[0]!.host, 'alice-main.example.test');
    const sts = (await get('statefulset', DEV, 'app'))!;
    assert.equal((sts.status as { readyReplicas?: number }).readyReplicas, 1);
    assert.ok(
      (sts.metadata.managedFields as Array<{ manager: string; operation: string }>).some(
        (f) => f.manager === 'fragctl' && f.operation === 'Apply',
      ),
    );
    // The claims are really bound (by the PV controller through the default StorageClass).
    assert.equal((await get('pvc', DEV, 'media'))?.status?.phase, 'Bound');
    // Release 1 is recorded in the cluster as a labelled Secret (Helm's way).
    const releases = await listObjects('secret', DEV, 'fragctl.io/release-of=dev');
    assert.deepEqual(
      releases.map((x) => [x.metadata.name, x.metadata.labels?.['fragctl.io/release-status']]),
      [['fragctl.release.dev.v1', 'deployed']],
    );
    // secret values never reach the output
    const secret = (await get('secret', DEV, 'postgres-credentials'))!;
    const password = Buffer.from(secret.data!.password!, 'base64').toString();
    assert.ok(password.length >= 20);
    assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password));
  });

  it('a second deploy regenerates no secret and restarts nothing', async () => {
    const before = (await get('secret', DEV, 'app-secrets'))!;
    const stsBefore = (await get('statefulset', DEV, 'app'))!;
    const r = await p.run(['dev', 'deploy', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ revision: number; secretsCreated: string[]; image: string }>(r.stdout);
    assert.deepEqual(out.secretsCreated, []);
    assert.equal(out.revision, 2);
    assert.deepEqual((await get('secret', DEV, 'app-secrets'))!.data, before.data);
    assert.equal((await get('statefulset', DEV, 'app'))!.metadata.generation, stsBefore.metadata.generation);
  });

  it('version-change sets the tag and the restart annotation and waits for the rollout', async () => {
    const r = await p.run(['dev', 'version-change', '--tag', 'latest-2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ revision: number; image: string; restartedAt: string }>(r.stdout);
    assert.equal(out.image, 'registry.example.test/shop:latest-2');
    assert.equal((await appImage(DEV)).image, 'registry.example.test/shop:latest-2');
    assert.equal((await appImage(DEV)).imagePullPolicy, 'IfNotPresent');
    assert.equal(await restartedAt(DEV), out.restartedAt);
    const sts = (await get('statefulset', DEV, 'app'))!;
    const st = sts.status as { currentRevision: string; updateRevision: string; readyReplicas: number };
    assert.equal(st.currentRevision, st.updateRevision);
    assert.equal(st.readyReplicas, 1);
    // The pod really runs the new tag (the StatefulSet controller replaced it).
    const pod = (await get('pod', DEV, 'app-0'))!;
    assert.equal((pod.spec!.containers as Container[])[0]!.image, 'registry.example.test/shop:latest-2');
  });

  it('kubectl sees what fragctl did: rollout status and rollout history', async () => {
    assert.match(await kubectl(['-n', DEV, 'rollout', 'status', 'statefulset/app', '--timeout=10s']), /roll(ing update|out).*complete/i);
    const history = await kubectl(['-n', DEV, 'rollout', 'history', 'statefulset/app']);
    assert.ok(history.trim().split('\n').length >= 3, history);
  });

  it('a moving tag is pulled always, and the same tag again still restarts', async () => {
    const r1 = await p.run(['dev', 'version-change', '--tag', 'latest']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal((await appImage(DEV)).imagePullPolicy, 'Always');
    const first = await restartedAt(DEV);
    const gen = (await get('statefulset', DEV, 'app'))!.metadata.generation as number;
    await new Promise((r) => setTimeout(r, 1100)); // restartedAt has one-second resolution
    const r2 = await p.run(['dev', 'version-change']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.notEqual(await restartedAt(DEV), first);
    assert.ok(((await get('statefulset', DEV, 'app'))!.metadata.generation as number) > gen);
  });

  it('a tag whose pods never become ready times out with exit 1 and names the stuck pod and its reason', async () => {
    const r = await p.run(['dev', 'version-change', '--tag', 'crash-3', '--timeout', '2s']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`rollout of statefulset/app in ${DEV} did not finish within 2 s`));
    assert.match(r.stderr, /pod app-0 is stuck: CrashLoopBackOff/);
    assert.match(r.stderr, /back-off 40s restarting failed container/);
  });

  it('a failed loader Job is reported as failed with its log', async () => {
    // The stack now runs the crash-3 image, and the loader runs the stack's image.
    const r = await p.run(['dev', 'load', '--origin', 's3://bucket/dump']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /data load failed: job loader-/);
    assert.match(r.stderr, /loaded 42 rows/);
  });

  it('rollback returns to the previous image (replacing the stuck pod) and --to goes to an earlier revision', async () => {
    const r = await p.run(['dev', 'rollback', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await appImage(DEV)).image, 'registry.example.test/shop:latest');
    const out = json<{ toRevision: number; revision: number }>(r.stdout);
    const r2 = await p.run(['dev', 'rollback', '--to', '1']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await appImage(DEV)).image, 'registry.example.test/shop:latest-1');
    const h = await p.run(['dev', 'history', '--json']);
    const entries = json<{ entries: Array<{ version: number; verb: string; status: string; image: string; who: string; note?: string }> }>(
      h.stdout,
    ).entries;
    assert.equal(entries.at(-1)!.verb, 'rollback');
    assert.equal(entries.at(-1)!.note, 'to release 1');
    assert.equal(entries.at(-1)!.status, 'deployed');
    assert.ok(
      entries.slice(0, -1).every((e) => e.status !== 'deployed'),
      'one deployed release at a time',
    );
    assert.ok(
      entries.some((e) => e.verb === 'version-change' && e.status === 'failed' && e.image.endsWith(':crash-3')),
      'the crashing release is recorded as failed',
    );
    assert.equal(entries.at(-1)!.who, 'alice');
    assert.ok(entries.some((e) => e.version === out.revision));
    // `history -n N`, as on AWS: the newest N releases.
    const last2 = await p.run(['dev', 'history', '-n', '2', '--json']);
    assert.equal(last2.code, 0, last2.stderr);
    assert.deepEqual(
      json<{ entries: Array<{ version: number }> }>(last2.stdout).entries.map((e) => e.version),
      entries.slice(-2).map((e) => e.version),
    );
    assert.equal((await p.run(['dev', 'history', '-n', '0'])).code, 2);
    const bad = await p.run(['dev', 'rollback', '--to', '99']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /release 99 does not exist in the history of dev/);
    assert.match(bad.stderr, /hint: +known releases: 1, 2, /);
  });

  it('status reports workloads and the last deploy, as text and JSON', async () => {
    const r = await p.run(['dev', 'status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = json<{
      deployed: boolean;
      namespace: string;
      workloads: Array<{ name: string; rolledOut: boolean; image: string }>;
      lastDeploy: { verb: string };
    }>(r.stdout);
    assert.equal(s.deployed, true);
    assert.equal(s.namespace, DEV);
    assert.deepEqual(s.workloads.map((w) => [w.name, w.rolledOut]).sort(), [
      ['app', true],
      ['postgres', true],
    ]);
    assert.equal(s.lastDeploy.verb, 'rollback');
  });

  it('load runs the loader Job and reports its last log lines; old loaders are cleaned', async () => {
    const r1 = await p.run(['dev', 'load', '--origin', 's3://bucket/dump']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /succeeded/);
    assert.match(r1.stdout, /loaded 42 rows/);
    const r2 = await p.run(['dev', 'load', '--origin', '/mnt/data', '--type', 'nfs']);
    assert.equal(r2.code, 0, r2.stderr);
    const jobs = (await list('job', DEV)).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'loader');
    assert.equal(jobs.length, 1, 'the earlier loaders were deleted before the last ran');
    const env = podSpec(jobs[0]!).spec.containers[0]!.env!;
    assert.deepEqual(env.find((e) => e.name === 'LOAD_ORIGIN')?.value, '/mnt/data');
  });

  it('a loader still running is refused (named, with its age) unless --replace', async () => {
    // A hang-* image: its Job pod runs until deleted.
    const vc = await p.run(['dev', 'version-change', '--tag', 'hang-1']);
    assert.equal(vc.code, 0, vc.stderr);
    // The first loader outlives its run: fragctl stops waiting, the Job goes on in the cluster.
    const first = await p.run(['dev', 'load', '--origin', '/mnt/a', '--timeout', '1s']);
    assert.equal(first.code, 1);
    assert.match(first.stderr, /did not finish within 1 s/);
    const running = (await list('job', DEV)).find((j) => !j.status?.conditions && j.metadata.labels?.['fragctl.io/task'] === 'loader')
      ?.metadata.name;
    assert.ok(running, 'the first loader started');
    const refused = await p.run(['dev', 'load', '--origin', '/mnt/b']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`a data loader is still running in ${DEV}: ${running} \\(started \\d+s ago\\)`));
    assert.match(refused.stderr, /--replace/);
    const replaced = await p.run(['dev', 'load', '--origin', '/mnt/b', '--replace', '--timeout', '1s']);
    assert.match(replaced.stderr, new RegExp(`deleting the running loader ${running}`));
    assert.equal(await get('job', DEV, running!), undefined, 'the running loader was deleted');
    const pods = await listObjects('pod', DEV, `job-name=${running}`);
    assert.ok(
      pods.every((pod) => pod.metadata.deletionTimestamp),
      'and its pod is going',
    );
    const back = await p.run(['dev', 'version-change', '--tag', 'latest-1']);
    assert.equal(back.code, 0, back.stderr);
  });

  it('replicate refuses a version mismatch, runs a one-off Job, makes a CronJob that forbids overlap', async () => {
    const d = await p.run(['kube-staging', 'deploy', '--tag', 'latest-9']);
    assert.equal(d.code, 0, d.stderr);
    const mismatch = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging']);
    assert.equal(mismatch.code, 2);
    // The guard compares digests, never tag strings, and names both sides (KWOK reports no digest for a tag).
    assert.match(
      mismatch.stderr,
      /dev runs registry\.example\.test\/shop:latest-1 \((sha256:[0-9a-f]{64}|digest unknown)\) but kube-staging runs registry\.example\.test\/shop:latest-9 \((sha256:[0-9a-f]{64}|digest unknown)\)/,
    );
    assert.equal((await list('job', DEV)).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'replicate-db').length, 0);
    // It overwrites dev's data: without a TTY and without --yes it is refused before any Job exists.
    const unconfirmed = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging', '--allow-version-mismatch', '--json']);
    assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
    assert.equal(json<{ error: { code: string } }>(unconfirmed.stdout).error.code, 'CONFIRM_NEEDED');
    assert.match(unconfirmed.stderr, /Overwrite the database of dev \(namespace [a-z0-9-]+\) with kube-staging's\?/);
    assert.equal((await list('job', DEV)).filter((j) => j.metadata.labels?.['fragctl.io/task'] === 'replicate-db').length, 0);
    const once = await p.run(['dev', 'replicate', 'db', '--from', 'kube-staging', '--allow-version-mismatch', '--json', '--yes']);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(json<{ job: { state: string } }>(once.stdout).job.state, 'succeeded');
    const cron = await p.run([
      'dev',
      'replicate',
      'media',
      '--from',
      'kube-staging',
      '--schedule',
      '0 3 * * *',
      '--allow-version-mismatch',
      '--yes',
    ]);
    assert.equal(cron.code, 0, cron.stderr);
    const cj = (await get('cronjob', DEV, 'replicate-media'))!;
    assert.equal(cj.spec?.concurrencyPolicy, 'Forbid');
    assert.equal(cj.spec?.schedule, '0 3 * * *');
    const into = await p.run(['kube-production', 'replicate', 'db', '--from', 'kube-staging']);
    assert.equal(into.code, 2);
    assert.match(into.stderr, /refusing to replicate into kube-production: it is a protected environment/);
  });

  it('undeploy needs the typed confirmation (or --yes) and removes everything, claims with protection finalizers included; protected needs --force-protected', async () => {
    const noConfirm = await p.run(['dev', 'undeploy']);
    assert.equal(noConfirm.code, 2);
    assert.match(noConfirm.stderr, /confirmation needed/);
    assert.ok(await get('namespace', undefined, DEV));
    const pvc = (await get('pvc', DEV, 'media'))!;
    assert.ok((pvc.metadata.finalizers as string[]).includes('kubernetes.io/pvc-protection'), 'the real PVC-protection finalizer is there');
    const prod = await p.run(['kube-production', 'undeploy', '--yes']);
    assert.equal(prod.code, 2);
    assert.match(prod.stderr, /kube-production is protected/);
    const claims = (await listObjects('pvc', DEV)).map((c) => [c.metadata.name, (c.spec as { volumeName: string }).volumeName] as const);
    assert.ok(claims.length >= 2 && claims.every(([, pv]) => pv), `bound claims: ${JSON.stringify(claims)}`);
    const r = await p.run(['dev', 'undeploy', '--yes'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`namespace ${DEV} deleted`));
    assert.match(r.stdout, /volumes kept \(reclaim policy Retain\): /);
    assert.equal(await get('namespace', undefined, DEV), undefined);
    assert.ok(await get('namespace', undefined, STAGING), 'other stacks stay');
    // the data is kept: each volume outlives its claim, Released, labelled with where it came from
    for (const [claim, volume] of claims) {
      const pv = (await get('pv', undefined, volume))!;
      assert.ok(pv, `volume ${volume} of claim ${claim} still exists`);
      assert.equal((pv.spec as { persistentVolumeReclaimPolicy: string }).persistentVolumeReclaimPolicy, 'Retain');
      assert.equal(pv.metadata.labels?.['fragctl.io/released-from'], DEV);
      assert.ok(r.stdout.includes(`${claim} → ${volume}`), r.stdout);
    }
    await releaseKeptVolumes(claims.map(([, volume]) => volume));
  });

  it('undeploy --delete-data leaves the volumes to their reclaim policy (Delete): they go with the namespace', async () => {
    const volumes = (await listObjects('pvc', STAGING)).map((c) => (c.spec as { volumeName: string }).volumeName);
    assert.ok(volumes.length >= 2, `bound claims in ${STAGING}`);
    const r = await p.run(['kube-staging', 'undeploy', '--yes', '--delete-data'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /volumes deleted with it \(--delete-data\): /);
    for (const volume of volumes) {
      const pv = await get('pv', undefined, volume);
      assert.ok(!pv || (pv.spec as { persistentVolumeReclaimPolicy: string }).persistentVolumeReclaimPolicy === 'Delete', volume);
      assert.equal(pv?.metadata.labels?.['fragctl.io/released-from'], undefined);
    }
  });
});
