/**
 * The dry run before a deploy's first write: every problem of every object named at once (the
 * first as the error, the rest as details), only dry-run requests sent. A local server answers as
 * kube-apiserver 1.35 does; the real-server cases are in test/integration/kube/apply-conflicts.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { preflight } from '../../../src/core/kube/preflight.js';
import { UserError } from '../../../src/core/errors.js';
import { json, localServer, type LocalServer } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const obj = (kind: string, name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('preflight', () => {
  it('names every invalid object and conflict at once, and sends only dry runs', async () => {
    server = await localServer((_req, res, _n, seen) => {
      if (seen.path.endsWith('/statefulsets/app') && seen.query.get('force') !== 'true') {
        return json(res, 409, {
          kind: 'Status',
          reason: 'Conflict',
          code: 409,
          message: 'Apply failed with 1 conflict',
          details: {
            causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl" using apps/v1', field: '.spec.replicas' }],
          },
        });
      }
      if (seen.path.endsWith('/ingresses/app')) {
        return json(res, 422, {
          kind: 'Status',
          reason: 'Invalid',
          code: 422,
          message: 'Ingress.networking.k8s.io "app" is invalid',
          details: {
            kind: 'Ingress',
            name: 'app',
            causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "Bad_Host"', field: 'spec.rules[0].host' }],
          },
        });
      }
      json(res, 200, { metadata: { name: 'x' } });
    });
    const api = new KubeClient(server.target);
    const objects = [obj('Namespace', 'n'), obj('StatefulSet', 'app', 'n'), obj('Ingress', 'app', 'n')];
    const e = await preflight(api, objects, { namespaceExists: true }).catch((err: unknown) => err);
    assert.ok(e instanceof UserError);
    assert.equal(e.code, 'KUBE_CONFLICT');
    assert.match(
      e.message,
      /cannot apply StatefulSet app: a field is managed by another field manager: spec\.replicas \(managed by "kubectl"\)/,
    );
    assert.deepEqual(e.details, [
      'Kubernetes refused Ingress app as invalid: spec.rules[0].host: Invalid value: "Bad_Host"',
      'nothing was changed (server-side dry run)',
    ]);
    assert.equal(server.seen.length, 3);
    assert.ok(
      server.seen.every((s) => s.method === 'PATCH' && s.query.get('dryRun') === 'All'),
      'only dry runs',
    );

    // With --force-conflicts the conflict is gone; the invalid Ingress still stops it.
    const forced = await preflight(api, objects, { namespaceExists: true, force: true }).catch((err: unknown) => err);
    assert.ok(forced instanceof UserError);
    assert.equal(forced.code, 'KUBE_INVALID');
  });

  it('skips namespaced objects while the namespace does not exist; other errors pass through', async () => {
    server = await localServer((_req, res) => json(res, 500, { message: 'etcdserver: request timed out' }));
    const api = new KubeClient(server.target, { retry: { attempts: 1 } });
    await preflight(api, [obj('ConfigMap', 'c', 'n')], { namespaceExists: false });
    assert.equal(server.seen.length, 0);
    await assert.rejects(preflight(api, [obj('Namespace', 'n')], { namespaceExists: false }), /etcdserver: request timed out \(HTTP 500\)/);
  });
});
