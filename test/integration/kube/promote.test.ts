/**
 * promote against a real registry (Debian's docker-registry on loopback) and the real test control
 * plane: the manifest of latest-N is copied to the version tag and to stable, the protected
 * environment runs the image by digest (its pods too), and the promotion is in the cluster's history.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespaces, getObject, kubectl, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { kubeProject, type KubeProject } from './setup.js';

const APP = `kr${uniqueSuffix()}`;
const NS = `${APP}-kube-production`;
let registry: TestRegistry;
let p: KubeProject;

const appImage = async () =>
  ((await getObject('statefulset', NS, 'app'))?.spec?.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!
    .image;
const podImages = async () => {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=app', '-o', 'json'])) as {
    items: Array<{ spec: { containers: Array<{ image: string }> } }>;
  };
  return pods.items.map((pod) => pod.spec.containers[0]!.image);
};

/** This test's copy of the templates makes the app's pods fail (KWOK's fragctl.test/fail); returns the undo. */
function failingApp(): () => void {
  const app = join(p.dir, 'kubernetes', 'app.yaml');
  const original = readFileSync(app, 'utf8');
  writeFileSync(
    app,
    original.replace(
      '    metadata:\n      labels: { app.kubernetes.io/name: app,',
      '    metadata:\n      annotations: { fragctl.test/fail: "true" }\n      labels: { app.kubernetes.io/name: app,',
    ),
  );
  return () => writeFileSync(app, original);
}

describe('promote through a real registry', { concurrency: false }, () => {
  before(async () => {
    registry = await startRegistry();
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    p.writeEnv(
      'kube-production',
      `platform: kubernetes\nprotected: true\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: ${registry.host}/shop\n  replicas: 2\n  database: external\n  database_host: db.example.test\n`,
    );
    await registry.push('shop', 'latest-6');
    await registry.push('shop', 'latest-7');
    const d = await p.run(['kube-production', 'deploy', '--tag', 'latest-6']);
    assert.equal(d.code, 0, d.stderr);
  });
  after(async () => {
    await Promise.all([dropNamespaces(NS), registry?.stop()]);
  });

  it('--dry-run: verified, the tag moves and the objects shown, nothing moved or applied', async () => {
    const tags = await registry.tags('shop');
    const before = await appImage();
    const digest = await registry.digest('shop', 'latest-7');
    const r = await p.run(['kube-production', 'promote', '--build', '7', '--as', 'v1.2.0', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      plan: { moves: Array<{ tag: string; to: string }> };
      dryRun: Array<{ kind: string; name: string; action: string }>;
    };
    assert.deepEqual(
      out.plan.moves.map((m) => [m.tag, m.to]),
      [
        ['stable', digest],
        ['v1.2.0', digest],
      ],
    );
    assert.equal(out.dryRun.find((o) => o.kind === 'StatefulSet' && o.name === 'app')?.action, 'update');
    assert.deepEqual(await registry.tags('shop'), tags, 'no tag moved');
    assert.equal(await appImage(), before, 'nothing applied');
    const missing = await p.run(['kube-production', 'promote', '--build', '99', '--as', 'v1.2.0', '--dry-run']);
    assert.equal(missing.code, 2, 'a dry run refuses what the promotion would refuse');
    assert.match(missing.stderr, /build 99 not found/);
  });

  it('copies latest-7 to the version tag and stable and points production at its digest', async () => {
    const digest = await registry.digest('shop', 'latest-7');
    const r = await p.run(['kube-production', 'promote', '--build', '7', '--as', 'v1.2.0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await registry.tags('shop'), ['latest-6', 'latest-7', 'stable', 'v1.2.0']);
    assert.equal(await registry.digest('shop', 'v1.2.0'), digest);
    assert.equal(await registry.digest('shop', 'stable'), digest);
    assert.equal(await appImage(), `${registry.host}/shop@${digest}`);
    // the promote waited for the rollout: every pod of the app runs the digest
    assert.deepEqual(await podImages(), [`${registry.host}/shop@${digest}`, `${registry.host}/shop@${digest}`]);
    const out = JSON.parse(r.stdout) as { digest: string; version: string; source: string };
    assert.equal(out.digest, digest);
    assert.equal(out.source, 'latest-7');
    const h = await p.run(['kube-production', 'history', '--json']);
    const last = (
      JSON.parse(h.stdout) as {
        entries: Array<{
          verb: string;
          image: string;
          images: Array<{ digest?: string }>;
          who: string;
          note: string;
          when: string;
          status: string;
        }>;
      }
    ).entries.at(-1)!;
    assert.equal(last.verb, 'promote');
    assert.equal(last.status, 'deployed');
    assert.equal(last.image, `${registry.host}/shop@${digest}`);
    assert.equal(last.images[0]!.digest, digest);
    assert.equal(last.who, 'tester');
    assert.equal(last.note, 'latest-7 as v1.2.0');
    assert.ok(Date.now() - Date.parse(last.when) < 60_000);
  });

  it('refuses an existing version, a malformed version and a missing build, changing nothing', async () => {
    const before = await appImage();
    const tags = await registry.tags('shop');
    const exists = await p.run(['kube-production', 'promote', '--build', '6', '--as', 'v1.2.0']);
    assert.equal(exists.code, 2);
    assert.match(exists.stderr, /version v1.2.0 already exists/);
    const malformed = await p.run(['kube-production', 'promote', '--build', '7', '--as', 'v1.2']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--as v1.2: not a version tag/);
    const missing = await p.run(['kube-production', 'promote', '--build', '99', '--as', 'v1.3.0']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /build 99 not found: .*has no tag latest-99/);
    assert.match(missing.stderr, /recent builds: latest-7, latest-6/);
    assert.deepEqual(await registry.tags('shop'), tags);
    assert.equal(await appImage(), before);
  });

  it('a promotion whose rollout fails rolls production back and leaves the tags as they were', async () => {
    await registry.push('shop', 'latest-8');
    const stable = await registry.digest('shop', 'stable');
    const tags = await registry.tags('shop');
    const before = await appImage();
    const restore = failingApp();
    try {
      const r = await p.run(['kube-production', 'promote', '--build', '8', '--as', 'v1.3.0', '--timeout', '5s']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`promotion of latest-8 as v1\\.3\\.0 failed; stable points at ${stable} again, v1\\.3\\.0 was not created`),
      );
      assert.match(r.stderr, /was rolled back/);
    } finally {
      restore();
    }
    assert.deepEqual(await registry.tags('shop'), tags);
    assert.equal(await registry.digest('shop', 'stable'), stable);
    assert.equal(await registry.digest('shop', 'v1.3.0'), undefined);
    assert.equal(await appImage(), before);
    const h = JSON.parse((await p.run(['kube-production', 'history', '--json'])).stdout) as {
      entries: Array<{ verb: string; status: string }>;
    };
    assert.deepEqual(
      h.entries.slice(-2).map((e) => [e.verb, e.status]),
      [
        ['promote', 'failed'],
        ['rollback', 'deployed'],
      ],
    );
  });

  it('a first promotion (no stable yet) whose rollout fails leaves no stable tag; the next one that succeeds creates it', async () => {
    const FRESH = `${APP}-kube-fresh`;
    p.writeEnv(
      'kube-fresh',
      `platform: kubernetes\nkubernetes:\n  kind: shared\n  kubeconfig: ${p.kubeconfig}\n  image: ${registry.host}/fresh\n  replicas: 1\n  database: external\n  database_host: db.example.test\n`,
    );
    await registry.push('fresh', 'latest-1');
    await registry.push('fresh', 'latest-2');
    try {
      const d = await p.run(['kube-fresh', 'deploy', '--tag', 'latest-1']);
      assert.equal(d.code, 0, d.stderr);
      const restore = failingApp();
      try {
        const r = await p.run(['kube-fresh', 'promote', '--build', '2', '--as', 'v0.1.0', '--timeout', '5s']);
        assert.equal(r.code, 1, r.stderr);
        assert.match(
          r.stderr,
          /promotion of latest-2 as v0\.1\.0 failed; stable was not created \(it did not exist before\), v0\.1\.0 was not created/,
        );
      } finally {
        restore();
      }
      assert.deepEqual(await registry.tags('fresh'), ['latest-1', 'latest-2'], 'no stable and no version tag on the broken build');
      const ok = await p.run(['kube-fresh', 'promote', '--build', '2', '--as', 'v0.1.0']);
      assert.equal(ok.code, 0, ok.stderr);
      const digest = await registry.digest('fresh', 'latest-2');
      assert.equal(await registry.digest('fresh', 'stable'), digest);
      assert.equal(await registry.digest('fresh', 'v0.1.0'), digest);
    } finally {
      await dropNamespaces(FRESH);
    }
  });
});
