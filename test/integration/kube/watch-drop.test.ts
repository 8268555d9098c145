/**
 * A wait that survives dropped connections, on the real API server: fragctl's client reaches the
 * test control plane through a TCP relay on 127.0.0.1 that cuts every connection while the watch
 * runs (TLS passes through untouched). The watch is opened again from the last resourceVersion
 * (real ones, from etcd) and sees the change made after the cut. The relay is the one part a real
 * server cannot play on cue.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { dropNamespaces, kubectl, testCluster, uniqueSuffix } from '../../helpers/cluster.js';
import { loadKubeTarget } from '../../../src/providers/kube/config.js';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { watchUntil } from '../../../src/core/kube/watch.js';
import type { Context } from '../../../src/core/context.js';

const NS = `kw${uniqueSuffix()}`;
let relay: net.Server;
let api: KubeClient;
const sockets = new Set<net.Socket>();
let connections = 0;

function cutAll(): number {
  const n = sockets.size;
  for (const s of sockets) s.destroy();
  sockets.clear();
  return n;
}

const patch = (phase: string) =>
  kubectl(['patch', 'configmap', 'w', '-n', NS, '--type', 'merge', '-p', JSON.stringify({ data: { phase } })]);

describe('a watch through dropped connections (real API server)', () => {
  before(async () => {
    const c = testCluster();
    const server = /server: (https?):\/\/127\.0\.0\.1:(\d+)/.exec(c.kubeconfigText)!;
    relay = net.createServer((client) => {
      connections++;
      const upstream = net.connect(Number(server[2]), '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(s);
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    const file = join(mkdtempSync(join(tmpdir(), 'fragctl-relay-')), 'config');
    writeFileSync(file, c.kubeconfigText.replace(`${server[1]}://127.0.0.1:${server[2]}`, `${server[1]}://127.0.0.1:${port}`));
    api = new KubeClient(await loadKubeTarget({ kubeconfig: file }), { retry: { baseMs: 50, maxMs: 200 } });
    await kubectl(['create', 'namespace', NS]);
    await kubectl(['create', 'configmap', 'w', '-n', NS, '--from-literal=phase=start']);
  });
  after(async () => {
    cutAll();
    relay?.close();
    await dropNamespaces(NS);
  });

  it('the watch is opened again after every connection is cut, and sees the change made after the cut', async () => {
    const ctx = { signal: new AbortController().signal } as Context;
    const seen: string[] = [];
    const waiting = watchUntil(ctx, api, 'ConfigMap', NS, 'w', 30_000, (o) => {
      seen.push(o?.data?.phase ?? '-');
      return o?.data?.phase === 'done';
    });
    await new Promise((r) => setTimeout(r, 700));
    await patch('one');
    await new Promise((r) => setTimeout(r, 500));
    const before = connections;
    assert.ok(cutAll() >= 1, 'the watch connection was open');
    await patch('two');
    await new Promise((r) => setTimeout(r, 300));
    await patch('done');
    const result = await waiting;
    assert.equal(result.done, true);
    assert.ok(connections > before, 'connected again after the cut');
    assert.ok((api.calls.get('WATCH ConfigMap') ?? 0) >= 2, `watched again (${api.calls.get('WATCH ConfigMap')})`);
    // Resumed from the last version seen: the change made while cut off ("two") is not lost.
    assert.deepEqual(seen, ['start', 'one', 'two', 'done']);
  });
});
