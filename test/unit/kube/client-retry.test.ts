/**
 * The Kubernetes client's retries, timeout and abort, against a local node:http server that answers
 * 429, 503, drops the socket or says nothing on cue (a real API server cannot be made to do that).
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { InterruptedError } from '../../../src/core/errors.js';
import { freePort } from '../../helpers/moto.js';
import { json, localServer, ns, type LocalServer } from './local-server.js';

const fast = { retry: { baseMs: 5, maxMs: 20 } };
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const create = (api: KubeClient) => api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } });

describe('kube client retries', () => {
  it('a 500 for a field the schema does not declare (server-side apply) is bad input: not retried, KUBE_INVALID, exit 2', async () => {
    // The body kube-apiserver 1.35 sends (seen in test/integration/kube/rejected-objects.test.ts).
    const message =
      'failed to create typed patch object (ns1/extra; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="extra"].imagePullPolicyy: field not declared in schema';
    server = await localServer((_req, res) => json(res, 500, { kind: 'Status', status: 'Failure', code: 500, message }));
    const api = new KubeClient(server.target, fast);
    const err = await api
      .apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'extra', namespace: 'ns1' } })
      .catch((e: unknown) => e);
    assert.equal(server.seen.length, 1, 'asked once');
    assert.equal(api.retries, 0);
    assert.ok(err instanceof Error && (err as { code?: string }).code === 'KUBE_INVALID', String(err));
    assert.equal((err as { exitCode?: number }).exitCode, 2);
    assert.match(err.message, /unknown field "spec\.template\.spec\.containers\[name="extra"\]\.imagePullPolicyy"/);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    server = await localServer((_req, res, n) =>
      n === 1 ? json(res, 429, { reason: 'TooManyRequests' }, { 'Retry-After': '1' }) : json(res, 200, ns('x')),
    );
    const api = new KubeClient(server.target, fast);
    const got = await api.get('Namespace', 'x');
    assert.equal(got?.metadata.name, 'x');
    assert.equal(server.seen.length, 2);
    const gap = server.seen[1]!.at - server.seen[0]!.at;
    assert.ok(gap >= 950, `the retry came ${gap} ms after the 429, not after Retry-After: 1`);
    assert.equal(api.retries, 1);
    assert.equal(api.calls.get('GET Namespace'), 1, 'a retry is not a new call');
  });

  it('retries a 429 even for a POST (the server did nothing)', async () => {
    server = await localServer((_req, res, n) =>
      n === 1 ? json(res, 429, {}, { 'Retry-After': '0' }) : json(res, 201, { metadata: { name: 'c' } }),
    );
    await create(new KubeClient(server.target, fast));
    assert.deepEqual(
      server.seen.map((s) => s.method),
      ['POST', 'POST'],
    );
  });

  it('retries 503 on a GET with backoff until it answers', async () => {
    server = await localServer((_req, res, n) => (n < 4 ? json(res, 503, { message: 'restarting' }) : json(res, 200, ns('x'))));
    const api = new KubeClient(server.target, fast);
    assert.equal((await api.get('Namespace', 'x'))?.metadata.name, 'x');
    assert.equal(server.seen.length, 4);
    assert.equal(api.retries, 3);
  });

  it('retries 503 on a server-side apply (idempotent) but not on a POST', async () => {
    server = await localServer((req, res, n) =>
      req.method === 'PATCH' && n > 1 ? json(res, 200, ns('x')) : json(res, 503, { message: 'unavailable' }),
    );
    const api = new KubeClient(server.target, fast);
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    assert.equal(server.seen.length, 2);
    await assert.rejects(create(api), /Kubernetes could not create ConfigMap c: unavailable \(HTTP 503\)/);
    assert.equal(server.seen.filter((s) => s.method === 'POST').length, 1, 'a POST that may have been done is not sent again');
  });

  it('gives up after the last attempt with the server answer', async () => {
    server = await localServer((_req, res) => json(res, 503, { message: 'still down' }));
    const api = new KubeClient(server.target, { retry: { baseMs: 1, maxMs: 2, attempts: 4 } });
    await assert.rejects(api.get('Namespace', 'x'), /still down \(HTTP 503\)/);
    assert.equal(server.seen.length, 4);
  });

  it('sends a GET again after the server dropped the connection; a POST is not sent again', async () => {
    server = await localServer((req, res, n) => (n === 1 || req.method === 'POST' ? res.socket?.destroy() : json(res, 200, ns('x'))));
    const api = new KubeClient(server.target, fast);
    assert.equal((await api.get('Namespace', 'x'))?.metadata.name, 'x');
    assert.equal(server.seen.length, 2);
    await assert.rejects(
      create(api),
      (e: Error & { code?: string }) => e.code === 'KUBE_UNREACHABLE' && /connection dropped|socket hang up/.test(e.message),
    );
    assert.equal(server.seen.filter((s) => s.method === 'POST').length, 1);
  });

  it('rides out an API server restart (connection refused, then up again on the same port)', async () => {
    const port = await freePort();
    const api = new KubeClient(
      { server: `http://127.0.0.1:${port}`, context: 't', kubeconfig: '/k', requestOptions: { headers: {} } },
      { retry: { baseMs: 100, maxMs: 400 } },
    );
    const pending = api.get('Namespace', 'x');
    await new Promise((r) => setTimeout(r, 150));
    server = await localServer((_req, res) => json(res, 200, ns('x')), port);
    assert.equal((await pending)?.metadata.name, 'x');
    assert.ok(api.retries >= 1);
  });

  it('reports a server that stays down once, with the number of attempts', async () => {
    const port = await freePort();
    const api = new KubeClient(
      { server: `http://127.0.0.1:${port}`, context: 't', kubeconfig: '/k', requestOptions: { headers: {} } },
      { retry: { baseMs: 1, maxMs: 2, attempts: 3 } },
    );
    await assert.rejects(
      api.get('Namespace', 'x'),
      new RegExp(`cannot reach the Kubernetes API server http://127.0.0.1:${port} \\(connection refused, 3 attempts\\)`),
    );
  });
});

describe('kube client timeout and abort', () => {
  it('a request without an answer fails after the request timeout', async () => {
    server = await localServer(() => undefined);
    const api = new KubeClient(server.target, { timeoutMs: 200, ...fast });
    const started = Date.now();
    await assert.rejects(
      api.get('Namespace', 'x'),
      (e: Error & { code?: string }) => e.code === 'KUBE_TIMEOUT' && /did not answer in 200 ms \(GET Namespace\)/.test(e.message),
    );
    assert.ok(Date.now() - started < 1500);
    assert.equal(server.seen.length, 1, 'a timed-out request is not sent again');
  });

  it('the run signal stops a request in flight at once', async () => {
    server = await localServer(() => undefined);
    const run = new AbortController();
    const api = new KubeClient(server.target, { signal: run.signal, ...fast });
    setTimeout(() => run.abort(), 50);
    const started = Date.now();
    await assert.rejects(api.get('Namespace', 'x'), InterruptedError);
    assert.ok(Date.now() - started < 500);
  });

  it('the run signal stops a wait for Retry-After', async () => {
    server = await localServer((_req, res) => json(res, 429, {}, { 'Retry-After': '30' }));
    const run = new AbortController();
    const api = new KubeClient(server.target, { signal: run.signal, ...fast });
    setTimeout(() => run.abort(), 100);
    const started = Date.now();
    await assert.rejects(api.get('Namespace', 'x'), /interrupted while waiting to retry GET Namespace/);
    assert.ok(Date.now() - started < 1000);
    assert.equal(server.seen.length, 1);
  });
});

describe('kube client apply', () => {
  it('applies without force and with strict field validation; --force-conflicts sends force', async () => {
    server = await localServer((_req, res) => json(res, 200, ns('x')));
    const api = new KubeClient(server.target, fast);
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, { force: true, dryRun: true });
    assert.equal(server.seen[0]!.query.get('force'), null);
    assert.equal(server.seen[0]!.query.get('fieldManager'), 'fragctl');
    assert.equal(server.seen[0]!.query.get('fieldValidation'), 'Strict');
    assert.equal(server.seen[1]!.query.get('force'), 'true');
    assert.equal(server.seen[1]!.query.get('dryRun'), 'All');
  });
});
