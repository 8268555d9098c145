/**
 * Releases of a Django stack described by its ops repository's own templates
 * (test/fixtures/kube-django), on the real test control plane: every workload waited for, the URL
 * read from the Ingress, vault secrets rendered into a Secret and never shown, a rollback to
 * release 1 that removes the worker release 2 added and restores its ConfigMap, an atomic deploy
 * of a crashing image that ends on the previous release, version-change restarting what the
 * environment names.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dropNamespaces, getObject, listObjects, testCluster, uniqueSuffix, type KubeObj } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `dj${uniqueSuffix()}`;
const NS = `${APP}-django`;
let p: ReturnType<typeof djangoProject>;

const json = <T>(text: string): T => JSON.parse(text) as T;
const template = (o: KubeObj) =>
  o.spec!.template as {
    metadata?: { annotations?: Record<string, string> };
    spec: { containers: Array<{ image: string; command?: string[] }> };
  };
const restartedAt = async (kind: string, name: string) =>
  template((await getObject(kind, NS, name))!).metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
type Entry = {
  version: number;
  verb: string;
  status: string;
  image: string;
  note?: string;
  images: Array<{ object: string; digest?: string }>;
};
const history = async () => json<{ entries: Entry[] }>((await p.run(['django', 'history', '--json'])).stdout).entries;

describe('releases of a Django stack from its own templates (real control plane)', { concurrency: false }, () => {
  before(() => {
    p = djangoProject(testCluster().kubeconfigText, APP);
  });
  after(async () => {
    await dropNamespaces(NS);
  });

  it('release 1: every workload ready, the URL from the Ingress, vault secrets in the Secret and nowhere else', async () => {
    const r = await p.run(['django', 'deploy', '--tag', 'v1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ url: string; revision: number; objects: Array<{ kind: string; name: string }> }>(r.stdout);
    assert.equal(out.url, 'https://shop.example.test');
    assert.equal(out.revision, 1);
    // kubectl's order: config and secrets, claims, workloads, services, ingress.
    const order = out.objects.map((o) => o.kind);
    assert.ok(
      order.indexOf('ConfigMap') < order.indexOf('PersistentVolumeClaim') &&
        order.lastIndexOf('StatefulSet') < order.indexOf('Service') &&
        order.at(-1) === 'Ingress',
      order.join(','),
    );
    for (const [kind, name] of [
      ['deployment', 'web'],
      ['deployment', 'beat'],
      ['deployment', 'redis'],
      ['statefulset', 'worker'],
      ['statefulset', 'postgres'],
    ]) {
      const o = (await getObject(kind!, NS, name!))!;
      const st = o.status as { readyReplicas?: number; availableReplicas?: number };
      assert.equal(st.readyReplicas, 1, `${kind}/${name} ready`);
      assert.ok(
        (o.metadata.managedFields as Array<{ manager: string; operation: string }>).some(
          (f) => f.manager === 'fragctl' && f.operation === 'Apply',
        ),
        `${kind}/${name} applied server-side by fragctl`,
      );
    }
    assert.equal((await getObject('pvc', NS, 'postgres-data'))?.spec?.storageClassName, 'standard');
    assert.ok(await getObject('cronjob', NS, 'backup'));
    const secret = (await getObject('secret', NS, 'django-secrets'))!;
    const password = Buffer.from(secret.data!.DATABASE_PASSWORD!, 'base64').toString();
    assert.ok(password.length > 8);
    const h = await p.run(['django', 'history', '--json']);
    const plan = await p.run(['django', 'plan', '--json']);
    for (const text of [r.stdout, r.stderr, h.stdout, plan.stdout, plan.stderr]) {
      assert.ok(
        !text.includes(password) && !text.includes(secret.data!.DATABASE_PASSWORD!),
        'no vault value, clear or encoded, in any output',
      );
    }
    const [rel] = json<{ entries: Entry[] }>(h.stdout).entries;
    assert.equal(rel!.status, 'deployed');
    assert.deepEqual(rel!.images.map((i) => i.object).sort(), [
      'Deployment/beat',
      'Deployment/redis',
      'Deployment/web',
      'StatefulSet/postgres',
      'StatefulSet/worker',
    ]);
    const record = (await listObjects('secret', NS, 'fragctl.io/release-of=django'))[0]!;
    assert.equal(record.type, 'fragctl.io/release.v1');
  });

  it('rollback to release 1 after a release 2 that added a worker and changed a ConfigMap restores both', async () => {
    p.writeSettings('extra_worker: true\ncelery_concurrency: 8');
    const planned = await p.run(['django', 'plan', '--json']);
    assert.equal(planned.code, 0, planned.stderr);
    const objects = json<{
      objects: Array<{ kind: string; name: string; action: string; changes?: Array<{ path: string; before: unknown; after: unknown }> }>;
    }>(planned.stdout).objects;
    assert.deepEqual(objects.find((o) => o.name === 'worker-priority')?.action, 'create');
    assert.deepEqual(objects.find((o) => o.kind === 'ConfigMap' && o.name === 'django-settings')?.changes, [
      { path: 'data.CELERY_CONCURRENCY', before: '2', after: '8' },
    ]);
    const r2 = await p.run(['django', 'deploy']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(await getObject('deployment', NS, 'worker-priority'));
    assert.equal((await getObject('configmap', NS, 'django-settings'))!.data!.CELERY_CONCURRENCY, '8');
    // The templates changed back meanwhile: a rollback applies release 1 as recorded, not today's templates.
    p.writeSettings('extra_worker: true\ncelery_concurrency: 16');
    const rb = await p.run(['django', 'rollback', '--to', '1', '--json']);
    assert.equal(rb.code, 0, rb.stderr);
    assert.deepEqual(json<{ pruned: Array<{ kind: string; name: string }> }>(rb.stdout).pruned, [
      { kind: 'Deployment', name: 'worker-priority' },
    ]);
    assert.equal(await getObject('deployment', NS, 'worker-priority'), undefined);
    assert.equal((await getObject('configmap', NS, 'django-settings'))!.data!.CELERY_CONCURRENCY, '2');
    const entries = await history();
    assert.deepEqual(
      entries.map((e) => [e.version, e.verb, e.status]),
      [
        [1, 'deploy', 'superseded'],
        [2, 'deploy', 'superseded'],
        [3, 'rollback', 'deployed'],
      ],
    );
    assert.equal(entries[2]!.note, 'to release 1');
    p.writeSettings('');
  });

  it('an atomic deploy of a crashing image ends on the previous release, exit 1, saying so', async () => {
    const r = await p.run(['django', 'deploy', '--tag', 'crash-1', '--atomic', '--timeout', '4s']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /release 4 failed and was rolled back: .* runs release 3's manifests again \(now release 5\)/);
    assert.equal(template((await getObject('deployment', NS, 'web'))!).spec.containers[0]!.image, 'registry.example.test/django:v1');
    const entries = await history();
    assert.deepEqual(
      entries.slice(-2).map((e) => [e.version, e.verb, e.status, e.image]),
      [
        [4, 'deploy', 'failed', 'registry.example.test/django:crash-1'],
        [5, 'rollback', 'deployed', 'registry.example.test/django:v1'],
      ],
    );
  });

  it('version-change restarts every Deployment and StatefulSet by default, and only what the environment names otherwise', async () => {
    const r = await p.run(['django', 'version-change', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = json<{ restarted: string[]; restartedAt: string }>(r.stdout);
    assert.deepEqual(out.restarted.sort(), [
      'Deployment/beat',
      'Deployment/redis',
      'Deployment/web',
      'StatefulSet/postgres',
      'StatefulSet/worker',
    ]);
    for (const [kind, name] of [
      ['deployment', 'web'],
      ['statefulset', 'worker'],
      ['statefulset', 'postgres'],
    ])
      assert.equal(await restartedAt(kind!, name!), out.restartedAt);
    // A later deploy keeps the annotations (leaving them out would restart everything by itself).
    const gen = (await getObject('deployment', NS, 'redis'))!.metadata.generation;
    assert.equal((await p.run(['django', 'deploy'])).code, 0);
    assert.equal((await getObject('deployment', NS, 'redis'))!.metadata.generation, gen);
    // Only web, as the environment says.
    const env = (await import('node:fs')).readFileSync(`${p.dir}/environments/django.yml`, 'utf8');
    p.writeEnv('django', `${env}  restart: [web]\n`);
    await new Promise((res) => setTimeout(res, 1100));
    const r2 = await p.run(['django', 'version-change', '--tag', 'v2', '--json']);
    assert.equal(r2.code, 0, r2.stderr);
    const out2 = json<{ restarted: string[]; restartedAt: string }>(r2.stdout);
    assert.deepEqual(out2.restarted, ['Deployment/web']);
    assert.equal(await restartedAt('deployment', 'web'), out2.restartedAt);
    assert.equal(await restartedAt('deployment', 'redis'), out.restartedAt);
    assert.equal(template((await getObject('statefulset', NS, 'worker'))!).spec.containers[0]!.image, 'registry.example.test/django:v2');
  });
});
