/**
 * `--dry-run` on every changing Kubernetes verb, on the Django fixture and the real test control
 * plane: version-change, rollback, load and replicate (one-off and --schedule) show what the server's
 * own dry run says they would change, and afterwards nothing has changed: the same releases, the
 * same workload generations and images, no Job or CronJob, no question asked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, listObjects, testCluster, uniqueSuffix, type KubeObj } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `dr${uniqueSuffix()}`;
const NS = `${APP}-django`;
const COPY = `${APP}-django-copy`;
let p: ReturnType<typeof djangoProject>;

type Item = { kind: string; name: string; action: string; changes?: Array<{ path: string; before?: unknown; after?: unknown }> };
const json = <T>(text: string): T => JSON.parse(text) as T;
const image = (o: KubeObj) => (o.spec!.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image;

/** What a dry run must leave as it was: releases, and each workload's generation and image. */
async function snapshot(ns: string): Promise<string> {
  const releases = (await listObjects('secret', ns))
    .filter((s) => s.metadata.labels?.['fragctl.io/release-of'])
    .map((s) => s.metadata.name);
  const workloads = [...(await listObjects('deployment', ns)), ...(await listObjects('statefulset', ns))].map(
    (o) => `${o.kind}/${o.metadata.name} gen ${o.metadata.generation} ${image(o)}`,
  );
  const jobs = [...(await listObjects('job', ns)), ...(await listObjects('cronjob', ns))].map((o) => `${o.kind}/${o.metadata.name}`);
  return JSON.stringify({ releases: releases.sort(), workloads: workloads.sort(), jobs: jobs.sort() });
}

describe('--dry-run on version-change, rollback, load and replicate (real control plane)', { concurrency: false }, () => {
  before(async () => {
    p = djangoProject(testCluster().kubeconfigText, APP, 'loader_image: registry.example.test/loader:3');
    p.writeEnv(
      'django-copy',
      `platform: kubernetes\nsettings:\n  kube_generated_secrets: {}\n  loader_image: registry.example.test/loader:3\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/django\n  verify_image: false\n  host: copy.example.test\n`,
    );
    for (const [env, tag] of [
      ['django', 'v1'],
      ['django', 'v2'],
      ['django-copy', 'v2'],
    ] as const) {
      const d = await p.run([env, 'deploy', '--tag', tag]);
      assert.equal(d.code, 0, d.stderr);
    }
  });
  after(async () => {
    await dropNamespaces(NS, COPY);
  });

  it('version-change --dry-run lists the workloads it would restart with the new image, and changes nothing', async () => {
    const before = await snapshot(NS);
    const r = await p.run(['django', 'version-change', '--tag', 'v3', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ revision: number; image: string; restarted: string[]; dryRun: Item[] }>(r.stdout);
    assert.equal(out.image, 'registry.example.test/django:v3');
    assert.equal(out.revision, 2, 'still release 2: no release recorded');
    assert.ok(out.restarted.includes('Deployment/web') && out.restarted.includes('StatefulSet/worker'), out.restarted.join(','));
    const web = out.dryRun.find((i) => i.kind === 'Deployment' && i.name === 'web')!;
    assert.equal(web.action, 'update');
    const paths = web.changes!.map((c) => c.path);
    assert.ok(paths.includes('spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt'), paths.join(','));
    assert.ok(
      web.changes!.some((c) => c.path === 'spec.template.spec.containers.0.image' && c.after === 'registry.example.test/django:v3'),
      paths.join(','),
    );
    assert.equal(await snapshot(NS), before);

    const text = await p.run(['django', 'version-change', '--tag', 'v3', '--dry-run']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /registry\.example\.test\/django:v2 → registry\.example\.test\/django:v3 \(dry run\)/);
    assert.match(text.stdout, /Deployment\s+web\s+update/);
  });

  it("rollback --dry-run shows release 1's objects against what runs now, and changes nothing", async () => {
    const before = await snapshot(NS);
    const r = await p.run(['django', 'rollback', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ from: number; toRevision: number; revision: number; dryRun: Item[] }>(r.stdout);
    assert.deepEqual([out.from, out.toRevision, out.revision], [2, 1, 2]);
    const web = out.dryRun.find((i) => i.kind === 'Deployment' && i.name === 'web')!;
    assert.ok(
      web.changes?.some((c) => c.path === 'spec.template.spec.containers.0.image' && c.after === 'registry.example.test/django:v1'),
      JSON.stringify(web),
    );
    assert.equal(await snapshot(NS), before);
  });

  it('load --dry-run: the loader Job the server accepts, not created', async () => {
    const before = await snapshot(NS);
    const r = await p.run(['django', 'load', '--origin', 'dump-2026', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ dryRun: Item[] }>(r.stdout);
    assert.equal(out.dryRun.length, 1, r.stdout);
    assert.equal(out.dryRun[0]!.kind, 'Job');
    assert.match(out.dryRun[0]!.name, /^loader-/);
    assert.equal(out.dryRun[0]!.action, 'create');
    assert.equal(await snapshot(NS), before);
  });

  it('replicate --dry-run asks nothing and creates no Job or CronJob', async () => {
    const before = await snapshot(COPY);
    const once = await p.run(['django-copy', 'replicate', 'db', '--from', 'django', '--allow-version-mismatch', '--dry-run', '--json']);
    assert.equal(once.code, 0, once.stderr);
    const job = json<{ mode: string; dryRun: Item[] }>(once.stdout);
    assert.equal(job.mode, 'job');
    assert.deepEqual(
      job.dryRun.map((i) => [i.kind, i.action]),
      [['Job', 'create']],
    );
    const cron = await p.run([
      'django-copy',
      'replicate',
      'media',
      '--from',
      'django',
      '--allow-version-mismatch',
      '--schedule',
      '@daily',
      '--dry-run',
    ]);
    assert.equal(cron.code, 0, cron.stderr);
    assert.match(cron.stdout, /CronJob\s+replicate-media\s+create/);
    assert.equal(await snapshot(COPY), before);
    assert.equal(await getObject('cronjob', COPY, 'replicate-media'), undefined);
  });
});
