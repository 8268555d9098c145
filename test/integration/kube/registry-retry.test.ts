/**
 * The registry client's retries and timeouts, against a real docker-registry behind a loopback
 * proxy that injects the faults: docker-registry cannot be made to answer 503, drop a connection
 * or stall on demand, so the proxy does that for the first requests and then forwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from '../../../src/providers/registry/client.js';
import { OperationError } from '../../../src/core/errors.js';
import { freePort } from '../../helpers/moto.js';
import { startRegistry, type TestRegistry } from '../../helpers/registry.js';

type Fault = 'unavailable' | 'drop' | 'stall' | 'throttle';

interface FaultProxy {
  url: string;
  /** Faults still to inject, one per request, in order. */
  faults: Fault[];
  /** Requests seen, faulted or forwarded, as `METHOD path`. */
  seen: string[];
  close(): Promise<void>;
}

async function faultProxy(target: TestRegistry): Promise<FaultProxy> {
  const upstream = new URL(target.url);
  const proxy: FaultProxy = { url: '', faults: [], seen: [], close: async () => undefined };
  const stalled: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    proxy.seen.push(`${req.method} ${req.url}`);
    const fault = proxy.faults.shift();
    if (fault === 'unavailable') return void res.writeHead(503, { 'Retry-After': '0' }).end('{"errors":[]}');
    if (fault === 'throttle') return void res.writeHead(429, { 'Retry-After': '1' }).end();
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === 'stall') return void stalled.push(res);
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

const quick = { attempts: 4, baseMs: 10, maxMs: 40, maxRetryAfterMs: 5_000 };

describe('registry client: retries and timeouts', { concurrency: false }, () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let digest: string;
  before(async () => {
    registry = await startRegistry();
    digest = await registry.push('shop/app', 'v1');
    proxy = await faultProxy(registry);
  });
  after(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  it('tries a read again after 503s and a dropped connection, and returns the real digest', async () => {
    proxy.faults = ['unavailable', 'drop', 'unavailable'];
    proxy.seen = [];
    const client = new RegistryClient(proxy.url, undefined, undefined, { retry: quick });
    assert.equal(await client.digest('shop/app', 'v1'), digest);
    assert.equal(proxy.seen.length, 4, proxy.seen.join('\n'));
    assert.equal(client.calls, 4);
  });

  it('waits as long as a 429 Retry-After says before the next try', async () => {
    proxy.faults = ['throttle'];
    const client = new RegistryClient(proxy.url, undefined, undefined, { retry: quick });
    const started = Date.now();
    assert.equal(await client.digest('shop/app', 'v1'), digest);
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  });

  it('does not send an upload start (POST) again after a 503: the registry may have opened it', async () => {
    proxy.faults = ['unavailable'];
    proxy.seen = [];
    const client = new RegistryClient(proxy.url, undefined, undefined, { retry: quick });
    await assert.rejects(client.uploadBlob('shop/other', digest, Buffer.from('x')), (e: OperationError) => {
      assert.equal(e.code, 'REGISTRY_ERROR');
      assert.match(e.message, /HTTP 503/);
      return true;
    });
    assert.deepEqual(
      proxy.seen.map((s) => s.split(' ')[0]),
      ['POST'],
    );
  });

  it('gives up on a registry that never answers, after the timeout of each try, with one clear error', async () => {
    proxy.faults = ['stall', 'stall'];
    proxy.seen = [];
    const client = new RegistryClient(proxy.url, undefined, undefined, { timeoutMs: 300, retry: { ...quick, attempts: 2 } });
    const started = Date.now();
    await assert.rejects(client.digest('shop/app', 'v1'), (e: OperationError) => {
      assert.equal(e.code, 'REGISTRY_UNREACHABLE');
      assert.match(e.message, /no answer within 0\.3 s/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 600 && took < 5_000, `took ${took} ms`);
    assert.equal(proxy.seen.length, 2);
  });

  it('reports a registry that is down after the tries, naming it', async () => {
    const port = await freePort();
    const client = new RegistryClient(`http://127.0.0.1:${port}`, undefined, undefined, { retry: quick });
    await assert.rejects(client.digest('shop/app', 'v1'), (e: OperationError) => {
      assert.equal(e.code, 'REGISTRY_UNREACHABLE');
      assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
      return true;
    });
    assert.equal(client.calls, quick.attempts);
  });
});
