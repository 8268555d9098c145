/**
 * Watches that last: resumed from the last resourceVersion after the server drops or ends the
 * stream, moved on by BOOKMARKs, re-listed after a 410 Gone (in the stream or on opening), reopened
 * when idle. A local node:http server plays the API server: a real one cannot drop a watch or
 * expire a version on cue.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { KubeClient } from '../../../src/providers/kube/client.js';
import { follow, type FollowEvent, type FollowStats } from '../../../src/providers/kube/follow.js';
import { json, localServer, type LocalServer } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cm = (rv: string, phase: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'w', namespace: 'n', resourceVersion: rv },
  data: { phase },
});
const line = (res: ServerResponse, type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
const stream = (res: ServerResponse) =>
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }).flushHeaders();

async function collect(
  api: KubeClient,
  until: (ev: FollowEvent) => boolean,
  stats: FollowStats,
  resourceVersion?: string,
): Promise<FollowEvent[]> {
  const events: FollowEvent[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 5000);
  for await (const ev of follow(api, 'ConfigMap', 'n', { fieldSelector: 'metadata.name=w', resourceVersion }, stop.signal, stats)) {
    events.push(ev);
    if (until(ev)) break;
  }
  clearTimeout(timer);
  return events;
}

const done = (ev: FollowEvent) => (ev.type === 'LISTED' ? ev.items : [ev.object]).some((o) => o.data?.phase === 'done');

describe('follow (resumable watch)', () => {
  it('resumes after a drop, advances on bookmarks, re-lists after an in-stream 410', async () => {
    let watches = 0;
    let lists = 0;
    server = await localServer((req, res, _n, seen) => {
      if (seen.query.get('watch') !== 'true') {
        lists++;
        return json(res, 200, {
          items: [cm(lists === 1 ? '10' : '20', lists === 1 ? 'start' : 'relisted')],
          metadata: { resourceVersion: lists === 1 ? '10' : '20' },
        });
      }
      watches++;
      stream(res);
      if (watches === 1) {
        line(res, 'MODIFIED', cm('11', 'one'));
        setTimeout(() => res.socket?.destroy(), 20); // the server drops the stream
      } else if (watches === 2) {
        line(res, 'BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '15' } });
        res.end(); // the server ends it (timeoutSeconds)
      } else if (watches === 3) {
        line(res, 'ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 15 (18)' });
        res.end();
      } else {
        line(res, 'MODIFIED', cm('21', 'done'));
      }
    });
    const api = new KubeClient(server.target, { retry: { baseMs: 5, maxMs: 20 } });
    const stats: FollowStats = { reopened: 0, relisted: 0 };
    const events = await collect(api, done, stats);
    assert.deepEqual(
      events.map((e) => (e.type === 'LISTED' ? `LISTED ${e.items[0]!.data!.phase}` : `${e.type} ${e.object.data!.phase}`)),
      ['LISTED start', 'MODIFIED one', 'LISTED relisted', 'MODIFIED done'],
    );
    const watched = server.seen.filter((s) => s.query.get('watch') === 'true');
    assert.deepEqual(
      watched.map((s) => s.query.get('resourceVersion')),
      ['10', '11', '15', '20'],
      'each watch starts where the last one left off',
    );
    assert.ok(watched.every((s) => s.query.get('allowWatchBookmarks') === 'true' && s.query.get('fieldSelector') === 'metadata.name=w'));
    assert.equal(stats.relisted, 1);
    assert.equal(stats.reopened, 3);
  });

  it('a watch refused with HTTP 410 on opening re-lists and goes on from the new version', async () => {
    server = await localServer((_req, res, _n, seen) => {
      if (seen.query.get('watch') !== 'true') return json(res, 200, { items: [cm('50', 'done')], metadata: { resourceVersion: '50' } });
      if (seen.query.get('resourceVersion') === '3')
        return json(res, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 3 (40)' });
      stream(res);
    });
    const api = new KubeClient(server.target);
    const stats: FollowStats = { reopened: 0, relisted: 0 };
    const events = await collect(api, done, stats, '3');
    assert.equal(events[0]!.type, 'LISTED');
    assert.equal(stats.relisted, 1);
    assert.equal(stats.resourceVersion, '50');
  });

  it('a watch that carries nothing for the idle time is opened again', async () => {
    let watches = 0;
    server = await localServer((_req, res, _n, seen) => {
      if (seen.query.get('watch') !== 'true') return json(res, 200, { items: [], metadata: { resourceVersion: '7' } });
      watches++;
      stream(res);
      if (watches === 2) line(res, 'ADDED', cm('8', 'done'));
      // the first stream stays open and silent: a half-dead connection
    });
    const api = new KubeClient(server.target, { watchIdleMs: 150 });
    const events = await collect(api, done, { reopened: 0, relisted: 0 });
    assert.equal(events.at(-1)!.type, 'ADDED');
    assert.equal(watches, 2);
  });

  it('an in-stream error other than 410 fails with its message', async () => {
    server = await localServer((_req, res, _n, seen) => {
      if (seen.query.get('watch') !== 'true') return json(res, 200, { items: [], metadata: { resourceVersion: '1' } });
      stream(res);
      line(res, 'ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd is sad' });
      res.end();
    });
    await assert.rejects(
      collect(new KubeClient(server.target), done, { reopened: 0, relisted: 0 }),
      /the watch of ConfigMap failed: etcd is sad/,
    );
  });
});
