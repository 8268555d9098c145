/**
 * Bad input on Kubernetes environments: a clear error, a non-zero exit, and nothing changed in the
 * cluster (no write request reached the API server, no object appeared).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeKube, type FakeKube } from '../../fakes/kube/server.js';
import { byKind } from '../../fakes/kube/resources.js';
import { freePort } from '../../helpers/moto.js';
import { kubeProject, type KubeProject } from './setup.js';

let kube: FakeKube;
let p: KubeProject;

/** Write requests the server carried out (refused ones changed nothing). */
const writes = () => kube.requests.filter().filter((r) => r.method !== 'GET' && (r.status ?? 0) < 300).length;
const namespaces = () => kube.store.list(byKind('Namespace')).map((n) => n.metadata.name ?? '').sort();
const STAGING = 'frag-kube-staging';

describe('kubernetes bad input', { concurrency: false }, () => {
  let baseline: string[];
  before(async () => {
    kube = await startFakeKube({ stepMs: 5 });
    p = kubeProject(kube.kubeconfig());
    baseline = namespaces();
  });
  beforeEach(() => {
    kube.requests.clear();
    kube.requests.clearFaults();
  });
  after(async () => {
    await kube.close();
  });

  it('a missing kubeconfig', async () => {
    p.writeEnv('kbad', 'platform: kubernetes\nkubernetes:\n  kubeconfig: /nonexistent/kubeconfig\n  tag: latest-1\n');
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /kubeconfig \/nonexistent\/kubeconfig not found \(kubernetes\.kubeconfig in the environment file\)/);
    assert.match(r.stderr, /hint:/);
    assert.equal(kube.requests.count(), 0);
  });

  it('a context the kubeconfig does not have', async () => {
    p.writeEnv('kbad', `platform: kubernetes\nkubernetes:\n  kubeconfig: ${p.kubeconfig}\n  context: nope\n  tag: latest-1\n`);
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "nope" not found in kubeconfig/);
    assert.match(r.stderr, /known contexts: fake/);
    assert.equal(kube.requests.count(), 0);
  });

  it('an unreachable API server (connection refused)', async () => {
    const port = await freePort();
    const closed = kube.kubeconfig().replace(kube.url, `http://127.0.0.1:${port}`);
    const other = kubeProject(closed);
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot reach the Kubernetes API server http://127.0.0.1:${port} \\(connection refused, 6 attempts\\)`));
    assert.match(r.stderr, /hint: +check that the cluster of context "fake"/);
  });

  it('403 Forbidden answers: clear error, nothing created', async () => {
    // Every read of the namespace is forbidden (the run's lock asks first, then the verb).
    kube.requests.failNext(100, 403, { method: 'GET', path: `/api/v1/namespaces/${STAGING}` });
    const r = await p.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Kubernetes refused to get Namespace frag-kube-staging \(403 Forbidden\)/);
    assert.match(r.stderr, /lacks this permission/);
    assert.equal(writes(), 0);
    assert.deepEqual(namespaces(), baseline);
  });

  it('403 on writes stops the deploy at its first write', async () => {
    kube.requests.failNext(100, 403, { method: 'PATCH' });
    const r = await p.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Kubernetes refused to apply Namespace frag-kube-staging \(403 Forbidden\)/);
    assert.equal(writes(), 0);
    assert.equal(kube.requests.count({ method: 'POST' }), 0, 'no secret was attempted after the refusal');
    assert.deepEqual(namespaces(), baseline);
  });

  it('a namespace that exists but was not made by fragctl', async () => {
    if (kube.store.get(byKind('Namespace'), undefined, STAGING)) kube.store.delete(byKind('Namespace'), undefined, STAGING);
    kube.store.create(byKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: STAGING, labels: { team: 'other' } } });
    try {
      const r = await p.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /namespace frag-kube-staging exists but was not made by fragctl/);
      const undeploy = await p.run(['kube-staging', 'undeploy', '--yes']);
      assert.equal(undeploy.code, 2);
      assert.equal(writes(), 0);
      assert.deepEqual(kube.store.get(byKind('Namespace'), undefined, 'frag-kube-staging')?.metadata.labels, { team: 'other', 'kubernetes.io/metadata.name': 'frag-kube-staging' });
      assert.equal(kube.store.list(byKind('StatefulSet'), 'frag-kube-staging').length, 0);
    } finally {
      kube.store.delete(byKind('Namespace'), undefined, 'frag-kube-staging');
    }
  });

  it('an invalid stack name, and a user name that cannot be part of a namespace', async () => {
    p.writeEnv('kbad', `platform: kubernetes\nkubernetes:\n  kind: developer\n  stack: My-Stack\n  kubeconfig: ${p.kubeconfig}\n  tag: latest-1\n`);
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stack/);
    assert.match(r.stderr, /lower-case letters and digits only/);
    p.writeEnv('kbad', `platform: kubernetes\nkubernetes:\n  kind: developer\n  kubeconfig: ${p.kubeconfig}\n  tag: latest-1\n`);
    const u = await p.run(['kbad', 'deploy'], { env: { FRAGCTL_USER: 'Bob.Smith' } });
    assert.equal(u.code, 2);
    assert.match(u.stderr, /user name "bob\.smith" cannot be part of a developer stack's namespace/);
    assert.equal(kube.requests.count(), 0);
  });

  it('deploy --dry-run plans without writing', async () => {
    const r = await p.run(['kube-staging', 'deploy', '--dry-run', '--tag', 'latest-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Namespace +frag-kube-staging +create/);
    assert.match(r.stdout, /StatefulSet +app +create/);
    assert.equal(writes(), 0);
  });

  it('an image reference with bad characters, and an empty tag', async () => {
    const r = await p.run(['kube-staging', 'deploy', '--image', 'registry.example.test/Sh op;rm', '--tag', 'v1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--image: "registry.example.test\/Sh op;rm" is not a valid image reference/);
    const t = await p.run(['kube-staging', 'deploy', '--tag', '']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /an empty image tag is refused/);
    const v = await p.run(['kube-staging', 'version-change', '--tag', 'bad tag!']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /"bad tag!" is not a valid image tag/);
    assert.equal(kube.requests.count(), 0);
    assert.deepEqual(namespaces(), baseline);
  });
});
