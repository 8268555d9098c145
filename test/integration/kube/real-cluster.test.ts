/**
 * Opt-in: the same scenarios as verbs.test.ts against a real cluster, for what simulated nodes
 * do not show (real pods, containers and image pulls). Runs only when FRAGCTL_REAL_KUBECONFIG
 * names a kubeconfig; skipped with a message otherwise (the one allowed skip: it needs a cluster).
 * It runs your kubectl (FRAGCTL_REAL_KUBECTL, default `kubectl` on PATH), the one test that does:
 * it talks to your cluster, not the test control plane.
 *
 *   FRAGCTL_REAL_KUBECONFIG=~/.kube/config [FRAGCTL_REAL_CONTEXT=kind-kind] \
 *   [FRAGCTL_REAL_IMAGE=docker.io/library/nginx FRAGCTL_REAL_TAGS=1.27-alpine,1.26-alpine] \
 *   [FRAGCTL_REAL_STORAGE_CLASS=standard] node --import tsx --test test/integration/kube/real-cluster.test.ts
 *
 * The cluster needs a default StorageClass (kind, k3s and minikube have one) and must be able to
 * pull the images. Everything is made in one namespace, frag-e2e-<random>, deleted at the end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { kubeProject, type KubeProject } from './setup.js';

const KUBECONFIG = process.env.FRAGCTL_REAL_KUBECONFIG;
const CONTEXT = process.env.FRAGCTL_REAL_CONTEXT;
const IMAGE = process.env.FRAGCTL_REAL_IMAGE ?? 'docker.io/library/nginx';
const [TAG1, TAG2] = (process.env.FRAGCTL_REAL_TAGS ?? '1.27-alpine,1.26-alpine').split(',');
const STORAGE = process.env.FRAGCTL_REAL_STORAGE_CLASS;
const STACK = `e2e${Math.random().toString(36).slice(2, 8)}`;
const NS = `frag-e2e-${STACK}`;
const SKIP = KUBECONFIG
  ? false
  : 'FRAGCTL_REAL_KUBECONFIG is not set: the opt-in real-cluster suite needs a kubeconfig (see docs/kubernetes.md)';

function kubectl(...args: string[]): { code: number; out: string } {
  const r = spawnSync(
    process.env.FRAGCTL_REAL_KUBECTL ?? 'kubectl',
    ['--kubeconfig', KUBECONFIG!, ...(CONTEXT ? ['--context', CONTEXT] : []), ...args],
    { encoding: 'utf8' },
  );
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const appImage = () => kubectl('-n', NS, 'get', 'statefulset', 'app', '-o', 'jsonpath={.spec.template.spec.containers[0].image}').out;

describe('kubernetes verbs against a real cluster (opt-in)', { concurrency: false, skip: SKIP }, () => {
  let p: KubeProject;
  before(() => {
    p = kubeProject(readFileSync(KUBECONFIG!, 'utf8'), CONTEXT);
    p.writeEnv(
      'dev',
      [
        'platform: kubernetes',
        'kubernetes:',
        '  kind: developer',
        '  user: e2e',
        `  stack: ${STACK}`,
        `  kubeconfig: ${p.kubeconfig}`,
        ...(CONTEXT ? [`  context: ${CONTEXT}`] : []),
        ...(STORAGE ? [`  storage_class: ${STORAGE}`] : []),
        `  image: ${IMAGE}`,
        '  replicas: 2',
        '  database: external',
        '  database_host: db.invalid',
        '',
      ].join('\n'),
    );
  });
  after(() => {
    if (!KUBECONFIG) return;
    kubectl('delete', 'namespace', NS, '--ignore-not-found', '--wait=false');
  });

  const run = (args: string[]) => p.run(['dev', ...args], { timeoutMs: 600_000 });

  it('deploys and waits for the rollout', async () => {
    const r = await run(['deploy', '--tag', TAG1!, '--timeout', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(kubectl('get', 'ns', NS, '-o', 'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}').out, 'fragctl');
    assert.equal(appImage(), `${IMAGE}:${TAG1}`);
    assert.equal(kubectl('-n', NS, 'rollout', 'status', 'statefulset/app', '--timeout=10s').code, 0);
  });

  it('version-change rolls out a new tag', async () => {
    const r = await run(['version-change', '--tag', TAG2!, '--timeout', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(appImage(), `${IMAGE}:${TAG2}`);
  });

  it('a tag that cannot be pulled times out and names the stuck pod', async () => {
    const r = await run(['version-change', '--tag', 'fragctl-missing-tag', '--timeout', '90s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pod app-1 is stuck: (ErrImagePull|ImagePullBackOff)/);
  });

  it('rollback returns to the previous tag, and --to 1 to the first', async () => {
    const r = await run(['rollback', '--timeout', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(appImage(), `${IMAGE}:${TAG2}`);
    const r1 = await run(['rollback', '--to', '1', '--timeout', '5m']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(appImage(), `${IMAGE}:${TAG1}`);
  });

  it('a loader that fails is reported as failed', async () => {
    // The test image has no /app/bin/load-data: the Job fails, as a broken loader would.
    const r = await run(['load', '--origin', '/mnt/none', '--timeout', '3m']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /data load failed: job loader-/);
  });

  it('undeploy --delete-data removes the namespace and its volumes', async () => {
    const r = await run(['undeploy', '--yes', '--delete-data', '--timeout', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(kubectl('get', 'ns', NS).code, 0);
  });
});
