/**
 * The Django fixture's own Jobs (a loader with a different image, NFS data and the stack's database
 * credentials; replicators), the replicators' digest guard, a replicator CronJob in status, an
 * adopted namespace named by a pattern, and every bad input of the templates and the releases:
 * one line, a hint, exit 2, nothing applied. Real test control plane.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespaces, getObject, kubectl, listObjects, testCluster, uniqueSuffix, type KubeObj } from '../../helpers/cluster.js';
import { djangoProject } from './django.js';

const APP = `dt${uniqueSuffix()}`;
const NS = `${APP}-django`;
const COPY = `${APP}-django-copy`;
const ADOPTED = `${APP}-adopted`;
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
let p: ReturnType<typeof djangoProject>;

const json = <T>(text: string): T => JSON.parse(text) as T;
const container = (o: KubeObj) =>
  (
    o.spec!.template as {
      spec: {
        containers: Array<{ image: string; env?: Array<{ name: string; valueFrom?: unknown }> }>;
        volumes?: Array<{ nfs?: unknown }>;
      };
    }
  ).spec;
const releases = async (ns = NS) => (await listObjects('secret', ns)).filter((s) => s.metadata.labels?.['fragctl.io/release-of']).length;

describe("the ops project's Jobs, the digest guard, adoption and bad input (real control plane)", { concurrency: false }, () => {
  before(async () => {
    p = djangoProject(testCluster().kubeconfigText, APP, 'loader_image: registry.example.test/loader:3');
    const env = (name: string) =>
      `platform: kubernetes\nsettings:\n  kube_generated_secrets: {}\n  loader_image: registry.example.test/loader:3\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/django\n  verify_image: false\n  host: ${name}.example.test\n`;
    p.writeEnv('django-copy', env('copy'));
    const d = await p.run(['django', 'deploy', '--image', `registry.example.test/django@${D1}`]);
    assert.equal(d.code, 0, d.stderr);
  });
  after(async () => {
    await dropNamespaces(NS, COPY, ADOPTED);
  });

  it("load runs the loader template: its own image, the NFS volume, the database password from the stack's Secret", async () => {
    const r = await p.run(['django', 'load', '--origin', 'dump-2026', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json<{ state: string }>(r.stdout).state, 'succeeded');
    const job = (await listObjects('job', NS)).find((j) => j.metadata.labels?.['fragctl.io/task'] === 'loader')!;
    const spec = container(job);
    assert.equal(spec.containers[0]!.image, 'registry.example.test/loader:3');
    assert.deepEqual(spec.containers[0]!.env!.find((e) => e.name === 'DATABASE_PASSWORD')?.valueFrom, {
      secretKeyRef: { name: 'django-secrets', key: 'DATABASE_PASSWORD' },
    });
    assert.ok(spec.volumes!.some((v) => v.nfs));
  });

  it('a loader still running is refused, named', async () => {
    p.writeSettings('loader_image: registry.example.test/loader:hang-1');
    const first = await p.run(['django', 'load', '--origin', 'a', '--timeout', '1s']);
    assert.equal(first.code, 1, first.stderr);
    const second = await p.run(['django', 'load', '--origin', 'b']);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /a data loader is still running in .*: loader-/);
    const replaced = await p.run(['django', 'load', '--origin', 'b', '--replace', '--timeout', '1s']);
    assert.match(replaced.stderr, /deleting the running loader loader-/);
    p.writeSettings('');
  });

  it("the replicators' guard compares the digests both stacks run and names both", async () => {
    const c = await p.run(['django-copy', 'deploy', '--image', `registry.example.test/django@${D2}`]);
    assert.equal(c.code, 0, c.stderr);
    const refused = await p.run(['django-copy', 'replicate', 'db', '--from', 'django']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `django-copy runs registry\\.example\\.test/django@${D2} \\(${D2}\\) but django runs registry\\.example\\.test/django@${D1} \\(${D1}\\)`,
      ),
    );
    const same = await p.run(['django-copy', 'version-change', '--tag', 'x']);
    assert.equal(same.code, 0, same.stderr);
    const pinned = await p.run(['django-copy', 'deploy', '--image', `registry.example.test/django@${D1}`]);
    assert.equal(pinned.code, 0, pinned.stderr);
    const once = await p.run(['django-copy', 'replicate', 'db', '--from', 'django', '--json', '--yes']);
    assert.equal(once.code, 0, once.stderr);
    const job = (await listObjects('job', COPY)).find((j) => j.metadata.labels?.['fragctl.io/task'] === 'replicate-db')!;
    assert.match(JSON.stringify(container(job).containers[0]), new RegExp(`pg_dump -h postgres\\.${NS}\\.svc`));
  });

  it('replicate --schedule makes a CronJob that status shows', async () => {
    const r = await p.run(['django-copy', 'replicate', 'media', '--from', 'django', '--schedule', '0 3 * * *', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    const cj = (await getObject('cronjob', COPY, 'replicate-media'))!;
    assert.equal(cj.spec?.concurrencyPolicy, 'Forbid');
    const s = await p.run(['django-copy', 'status', '--json']);
    const cron = json<{ cronJobs: Array<{ name: string; schedule: string; task: string }> }>(s.stdout).cronJobs;
    assert.deepEqual(
      cron.find((c) => c.name === 'replicate-media'),
      { name: 'replicate-media', task: 'replicate-media', schedule: '0 3 * * *', suspended: false },
    );
    const text = await p.run(['django-copy', 'status']);
    assert.match(text.stdout, /replicate-media +replicate-media +0 3 \* \* \*/);
  });

  it('a namespace fragctl did not make (named by a pattern) is refused, and adopted with --adopt, recorded', async () => {
    await kubectl(['create', 'namespace', ADOPTED]);
    p.writeEnv(
      'adopt',
      `platform: kubernetes\nsettings:\n  kube_generated_secrets: {}\nkubernetes:\n  kind: shared\n  namespace: "{{ app_name }}-adopted"\n  kubeconfig: ${p.kubeconfig}\n  image: registry.example.test/django\n  verify_image: false\n  host: adopt.example.test\n`,
    );
    const refused = await p.run(['adopt', 'deploy', '--tag', 'v1']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`namespace ${ADOPTED} exists but was not made by fragctl`));
    assert.equal((await listObjects('deployment', ADOPTED)).length, 0);
    const r = await p.run(['adopt', 'deploy', '--tag', 'v1', '--adopt']);
    assert.equal(r.code, 0, r.stderr);
    const ns = (await getObject('namespace', undefined, ADOPTED))!;
    assert.equal(ns.metadata.labels?.['app.kubernetes.io/managed-by'], 'fragctl');
    assert.match(ns.metadata.annotations?.['fragctl.io/adopted-by'] ?? '', /^tester at \d{4}-/);
    const h = json<{ entries: Array<{ adopted?: boolean }> }>((await p.run(['adopt', 'history', '--json'])).stdout).entries;
    assert.equal(h[0]!.adopted, true);
  });

  describe('bad input: one line, a hint, exit 2, nothing applied', () => {
    const bad = (name: string, text: string) => writeFileSync(join(p.dir, 'kubernetes', name), text);
    const cases: Array<[string, string, RegExp]> = [
      [
        'syntax error',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ foo bar }}}\n',
        /^error: kubernetes\/zz-bad\.yaml:3:25: template syntax error: expected variable end/m,
      ],
      [
        'undefined variable',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "{{ workers_count }}"\n',
        /^error: kubernetes\/zz-bad\.yaml:6:10: undefined variable "workers_count"/m,
      ],
      [
        'not a Kubernetes object',
        'just: a mapping\n',
        /^error: kubernetes\/zz-bad\.yaml \(document at rendered line 1\) is not a Kubernetes object/m,
      ],
      [
        'two documents with the same kind/namespace/name',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: django-settings}\n',
        /^error: ConfigMap .*\/django-settings is defined twice: in kubernetes\/config\.yaml and in kubernetes\/zz-bad\.yaml/m,
      ],
      [
        'a kind the server does not know',
        'apiVersion: example.test/v1\nkind: Widget\nmetadata: {name: w}\n',
        /^error: kubernetes\/zz-bad\.yaml: the cluster does not know kind Widget \(apiVersion example\.test\/v1\)/m,
      ],
    ];
    for (const [what, text, message] of cases) {
      it(what, async () => {
        const before = await releases();
        const gen = (await getObject('deployment', NS, 'web'))!.metadata.generation;
        bad('zz-bad.yaml', text);
        try {
          const r = await p.run(['django', 'deploy', '--tag', 'v9']);
          assert.equal(r.code, 2, r.stderr);
          assert.match(r.stderr, message);
          assert.match(r.stderr, /^hint: /m);
        } finally {
          rmSync(join(p.dir, 'kubernetes', 'zz-bad.yaml'));
        }
        assert.equal(await releases(), before, 'no release recorded');
        assert.equal((await getObject('deployment', NS, 'web'))!.metadata.generation, gen, 'nothing applied');
      });
    }

    it('rollback --to a release that does not exist', async () => {
      const before = await releases();
      const r = await p.run(['django', 'rollback', '--to', '99']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error: release 99 does not exist in the history of django/m);
      assert.match(r.stderr, /^hint: +known releases: 1/m);
      assert.equal(await releases(), before);
    });

    it('a corrupt release record', async () => {
      await kubectl([
        '-n',
        NS,
        'patch',
        'secret',
        'fragctl.release.django.v1',
        '-p',
        JSON.stringify({ data: { release: Buffer.from('not gzip').toString('base64') } }),
      ]);
      const before = await releases();
      const gen = (await getObject('deployment', NS, 'web'))!.metadata.generation;
      for (const args of [['deploy'], ['rollback', '--to', '1'], ['history']]) {
        const r = await p.run(['django', ...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^error: release record fragctl\.release\.django\.v1 in .* is corrupt/m);
        assert.match(r.stderr, /^hint: +nothing was applied/m);
      }
      assert.equal(await releases(), before);
      assert.equal((await getObject('deployment', NS, 'web'))!.metadata.generation, gen);
    });
  });
});
