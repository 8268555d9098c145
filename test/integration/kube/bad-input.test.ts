/**
 * Bad input on Kubernetes environments, against the real test control plane: a clear error, a
 * non-zero exit, and nothing changed in the cluster (this file's namespaces and the objects in
 * them, with their resourceVersions, are the same before and after). Credentials and transport
 * faults are real too: a wrong token (401), a kubeconfig without the CA, the user `restricted`
 * with no RBAC rights or only those a scenario grants, a closed port on 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freePort } from '../../helpers/moto.js';
import { dropNamespaces, kubectl, listObjects, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { kubeProject, type KubeProject } from './setup.js';
import { settledSnapshot, snapshot as snapshotOf } from './snapshot.js';

const APP = `kb${uniqueSuffix()}`;
const STAGING = `${APP}-kube-staging`;
const CONTEXT = 'fragctl-test';
let p: KubeProject;

const snapshot = () => snapshotOf(`${APP}-`);

/** A project whose kubeconfig is the admin one changed by `edit`. */
const projectWith = (edit: (kubeconfig: string) => string): KubeProject => kubeProject(edit(testCluster().kubeconfigText), undefined, APP);

describe('kubernetes bad input', { concurrency: false }, () => {
  let baseline: string[];
  before(async () => {
    p = kubeProject(testCluster().kubeconfigText, undefined, APP);
    // Something of this file's own to compare: a deployed developer stack.
    const r = await p.run(['dev', 'deploy']);
    assert.equal(r.code, 0, r.stderr);
    baseline = await settledSnapshot(`${APP}-`);
    assert.ok(
      baseline.some((l) => l.startsWith('StatefulSet ')),
      baseline.join('\n'),
    );
  });
  after(async () => {
    await dropNamespaces(`${APP}-alice-main`, STAGING);
    await kubectl(['delete', 'clusterrole,clusterrolebinding', `${APP}-read-ns`, '--ignore-not-found']);
  });

  it('a missing kubeconfig', async () => {
    p.writeEnv(
      'kbad',
      'platform: kubernetes\nkubernetes:\n  kubeconfig: /nonexistent/kubeconfig\n  tag: latest-1\n  verify_image: false\n',
    );
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /kubeconfig \/nonexistent\/kubeconfig not found \(kubernetes\.kubeconfig in the environment file\)/);
    assert.match(r.stderr, /hint:/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a context the kubeconfig does not have', async () => {
    p.writeEnv(
      'kbad',
      `platform: kubernetes\nkubernetes:\n  kubeconfig: ${p.kubeconfig}\n  context: nope\n  tag: latest-1\n  verify_image: false\n`,
    );
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "nope" not found in kubeconfig/);
    assert.match(r.stderr, new RegExp(`known contexts: ${CONTEXT}`));
    assert.deepEqual(await snapshot(), baseline);
  });

  it('an unreachable API server (connection refused on a closed port)', async () => {
    const port = await freePort();
    const other = projectWith((k) => k.replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`));
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`cannot reach the Kubernetes API server https://127.0.0.1:${port} \\(connection refused, \\d+ attempts\\)`),
    );
    assert.match(r.stderr, new RegExp(`hint: +check that the cluster of context "${CONTEXT}"`));
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a server certificate that is not trusted (a kubeconfig without the CA)', async () => {
    const other = projectWith((k) => k.replace(/^\s*certificate-authority(-data)?: .*\n/m, ''));
    assert.doesNotMatch(readFileSync(other.kubeconfig, 'utf8'), /certificate-authority/);
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(.*its certificate is not trusted\)/);
    assert.match(r.stderr, /hint: +check certificate-authority/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a token the server refuses (401)', async () => {
    const other = projectWith((k) => k.replace(/token: \S+/, 'token: not-a-valid-token'));
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Kubernetes did not accept the credentials of context "${CONTEXT}" \\(401 Unauthorized\\)`));
    assert.match(r.stderr, /hint: +the token or certificate of the user of context "fragctl-test" in \S+ is wrong or expired/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a user without any rights (403 from RBAC): the error names verb, resource, namespace and user; nothing created', async () => {
    const other = projectWith(() => readFileSync(testCluster().restrictedKubeconfig!, 'utf8'));
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Kubernetes refused to get Namespace ${STAGING} \\(403 Forbidden\\)`));
    assert.match(r.stderr, new RegExp(`error: .*user "restricted" may not get namespaces in namespace ${STAGING}`));
    assert.match(r.stderr, new RegExp(`hint: .*kubectl auth can-i get namespaces -n ${STAGING} --as restricted`));
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a user who may read its namespace but not write: the deploy stops at its first write', async () => {
    // Namespaces are cluster-scoped, so reading one takes a ClusterRole (limited to this name), not a Role.
    await kubectl(['create', 'clusterrole', `${APP}-read-ns`, '--verb=get', '--resource=namespaces', `--resource-name=${STAGING}`]);
    await kubectl(['create', 'clusterrolebinding', `${APP}-read-ns`, `--clusterrole=${APP}-read-ns`, '--user=restricted']);
    const other = projectWith(() => readFileSync(testCluster().restrictedKubeconfig!, 'utf8'));
    const r = await other.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Kubernetes refused to apply Namespace ${STAGING} \\(403 Forbidden\\)`));
    assert.match(r.stderr, new RegExp(`error: .*user "restricted" may not patch namespaces in namespace ${STAGING}`));
    assert.deepEqual(await snapshot(), baseline);
  });

  it('an invalid stack name, and a user name that cannot be part of a namespace', async () => {
    p.writeEnv(
      'kbad',
      `platform: kubernetes\nkubernetes:\n  kind: developer\n  stack: My-Stack\n  kubeconfig: ${p.kubeconfig}\n  tag: latest-1\n  verify_image: false\n`,
    );
    const r = await p.run(['kbad', 'deploy']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /stack/);
    assert.match(r.stderr, /lower-case letters and digits only/);
    p.writeEnv(
      'kbad',
      `platform: kubernetes\nkubernetes:\n  kind: developer\n  kubeconfig: ${p.kubeconfig}\n  tag: latest-1\n  verify_image: false\n`,
    );
    const u = await p.run(['kbad', 'deploy'], { env: { FRAGCTL_USER: 'Bob.Smith' } });
    assert.equal(u.code, 2, u.stderr);
    assert.match(u.stderr, /user name "bob\.smith" cannot be part of a developer stack's namespace/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('deploy --dry-run plans against the server without writing', async () => {
    const r = await p.run(['kube-staging', 'deploy', '--dry-run', '--tag', 'latest-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Namespace +${STAGING} +create`));
    assert.match(r.stdout, /StatefulSet +app +create/);
    const d = await p.run(['dev', 'deploy', '--dry-run', '--tag', 'latest-2']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /StatefulSet +app +update/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('an image reference with bad characters, and an empty tag', async () => {
    const r = await p.run(['kube-staging', 'deploy', '--image', 'registry.example.test/Sh op;rm', '--tag', 'v1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--image: "registry.example.test\/Sh op;rm" is not a valid image reference/);
    const t = await p.run(['kube-staging', 'deploy', '--tag', '']);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /an empty image tag is refused/);
    const v = await p.run(['dev', 'version-change', '--tag', 'bad tag!']);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /"bad tag!" is not a valid image tag/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('undeploy --dry-run says the namespace would be deleted, and deletes nothing', async () => {
    const r = await p.run(['dev', 'undeploy', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace [a-z0-9-]+-alice-main would be deleted with everything in it \(--dry-run: nothing was deleted\)/);
    assert.match(r.stdout, /volumes would be kept \(reclaim policy Retain\): \S+ → pvc-/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a first deploy with no tag anywhere: exit 2, and no namespace (the lock would make one) left behind', async () => {
    const r = await p.run(['kube-staging', 'deploy', '--yes', '--json']); // kube-staging sets no kubernetes.tag
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.code, 'IMAGE_TAG');
    assert.match(r.stderr, /no image tag for kube-staging: the stack is not deployed and none was given/);
    assert.deepEqual(await snapshot(), baseline);
  });

  it('a namespace that exists but was not made by fragctl (last: its deletion takes a while)', async () => {
    await kubectl(['create', 'namespace', STAGING]);
    await kubectl(['label', 'namespace', STAGING, 'team=other']);
    try {
      const before = await settledSnapshot(`${APP}-`);
      const r = await p.run(['kube-staging', 'deploy', '--tag', 'latest-1']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`namespace ${STAGING} exists but was not made by fragctl`));
      const undeploy = await p.run(['kube-staging', 'undeploy', '--yes']);
      assert.equal(undeploy.code, 2, undeploy.stderr);
      assert.deepEqual(await snapshot(), before, 'the foreign namespace and what is in it are untouched');
      const ns = (await listObjects('namespace')).find((n) => n.metadata.name === STAGING)!;
      assert.deepEqual(ns.metadata.labels, { team: 'other', 'kubernetes.io/metadata.name': STAGING });
      assert.equal(ns.metadata.deletionTimestamp, undefined, 'not being deleted');
    } finally {
      await dropNamespaces(STAGING);
    }
  });
});
