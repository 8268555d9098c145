/**
 * The API server's refusals read back into one line and a hint: Status bodies as kube-apiserver
 * 1.35 writes them (conflicts, invalid objects, strict field validation, RBAC), then the same
 * answers from a local server through the client (401 and 403 need no real cluster to be shaped).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError, KubeClient } from '../../../src/providers/kube/client.js';
import { fieldConflicts, invalidCauses, rbacRefusal, statusError } from '../../../src/providers/kube/errors.js';
import { json, localServer, type LocalServer } from './local-server.js';

const target = { server: 'https://127.0.0.1:6443', context: 'dev', kubeconfig: '/home/a/.kube/config', requestOptions: {} };

const CONFLICT = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason: 'Conflict',
  code: 409,
  message:
    'Apply failed with 2 conflicts: conflicts with "kubectl" using apps/v1:\n- .spec.replicas\nconflicts with "kubectl-rollout" using apps/v1:\n- .spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt',
  details: {
    causes: [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using apps/v1', field: '.spec.replicas' },
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-rollout" using apps/v1',
        field: '.spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt',
      },
    ],
  },
};

const INVALID = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason: 'Invalid',
  code: 422,
  message:
    'Ingress.networking.k8s.io "app" is invalid: spec.rules[0].host: Invalid value: "Bad_Host.example.test": a lowercase RFC 1123 subdomain must consist of ...',
  details: {
    name: 'app',
    group: 'networking.k8s.io',
    kind: 'Ingress',
    causes: [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "Bad_Host.example.test": a lowercase RFC 1123 subdomain must consist of ...',
        field: 'spec.rules[0].host',
      },
    ],
  },
};

describe('kube error parsing', () => {
  it('a 409 of server-side apply names every field and its manager, with the --force-conflicts hint', () => {
    assert.deepEqual(fieldConflicts(CONFLICT), [
      { field: 'spec.replicas', manager: 'kubectl' },
      { field: 'spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt', manager: 'kubectl-rollout' },
    ]);
    const e = statusError(target, 409, JSON.stringify(CONFLICT), 'apply StatefulSet app');
    assert.equal(
      e.message,
      'cannot apply StatefulSet app: 2 fields are managed by another field manager: spec.replicas (managed by "kubectl"), spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt (managed by "kubectl-rollout")',
    );
    assert.equal(
      e.hint,
      'the field spec.replicas is managed by "kubectl": remove it from the template, or pass --force-conflicts to take it',
    );
    assert.equal(e.code, 'KUBE_CONFLICT');
    assert.equal(e.exitCode, 2);
  });

  it('reads conflicts from the message when a server gives no causes', () => {
    assert.deepEqual(
      fieldConflicts({ message: 'Apply failed with 1 conflict: conflict with "hpa-controller" using apps/v1: .spec.replicas' }),
      [{ field: 'spec.replicas', manager: 'hpa-controller' }],
    );
  });

  it('a 409 that is not a field conflict (AlreadyExists) stays a plain error, exit 1', () => {
    const e = statusError(
      target,
      409,
      JSON.stringify({ reason: 'AlreadyExists', message: 'configmaps "x" already exists', code: 409 }),
      'create ConfigMap x',
    );
    assert.equal(e.code, 'KUBE_409');
    assert.equal(e.exitCode, 1);
  });

  it('a 422 is one line with the field path, exit 2', () => {
    const e = statusError(target, 422, JSON.stringify(INVALID), 'apply Ingress app');
    assert.equal(
      e.message,
      'Kubernetes refused Ingress app as invalid: spec.rules[0].host: Invalid value: "Bad_Host.example.test": a lowercase RFC 1123 subdomain must consist of ...',
    );
    assert.equal(e.hint, 'fix spec.rules[0].host of Ingress app (the setting or template that produces it)');
    assert.equal(e.code, 'KUBE_INVALID');
    assert.equal(e.exitCode, 2);
    assert.ok(!e.message.includes('\n'));
  });

  it('an unknown field under strict validation (400) is read as invalid with its path', () => {
    const body = {
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
      message: 'failed to create typed patch object (ns/app; apps/v1, Kind=StatefulSet): .spec.replicaz: field not declared in schema',
    };
    assert.deepEqual(invalidCauses(body), [{ field: 'spec.replicaz', message: 'field not declared in schema' }]);
    const e = statusError(target, 400, JSON.stringify(body), 'apply StatefulSet app');
    assert.equal(e.message, 'Kubernetes refused StatefulSet app as invalid: spec.replicaz: field not declared in schema');
    assert.equal(e.exitCode, 2);
  });

  it('an RBAC 403 names user, verb, resource and namespace', () => {
    const message =
      'statefulsets.apps "app" is forbidden: User "restricted" cannot patch resource "statefulsets" in API group "apps" in the namespace "frag-alice-main"';
    assert.deepEqual(rbacRefusal(message), {
      user: 'restricted',
      verb: 'patch',
      resource: 'statefulsets',
      group: 'apps',
      namespace: 'frag-alice-main',
    });
    const e = statusError(target, 403, JSON.stringify({ reason: 'Forbidden', message, code: 403 }), 'apply StatefulSet app');
    assert.equal(
      e.message,
      'Kubernetes refused to apply StatefulSet app (403 Forbidden): user "restricted" may not patch statefulsets.apps in namespace frag-alice-main',
    );
    assert.match(e.hint!, /kubectl auth can-i patch statefulsets\.apps -n frag-alice-main --as restricted/);
    assert.equal(e.exitCode, 1);
    const cluster = rbacRefusal(
      'namespaces "x" is forbidden: User "bob" cannot get resource "namespaces" in API group "" at the cluster scope',
    );
    assert.deepEqual(cluster, { user: 'bob', verb: 'get', resource: 'namespaces', group: undefined, namespace: undefined });
  });
});

describe('kube errors through the client', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a refused token (401) is exit 2 with the context and kubeconfig in the hint, not retried', async () => {
    server = await localServer((_req, res) =>
      json(res, 401, { kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized', code: 401 }),
    );
    const e = await new KubeClient(server.target).get('Namespace', 'x').catch((err: unknown) => err);
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.message, 'Kubernetes did not accept the credentials of context "test" (401 Unauthorized)');
    assert.match(e.hint!, /the token or certificate of the user of context "test" in \/tmp\/kubeconfig is wrong or expired/);
    assert.equal(e.exitCode, 2);
    assert.equal(server.seen.length, 1);
  });
});
