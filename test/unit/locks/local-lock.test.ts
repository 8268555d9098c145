import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLock } from '../../../src/core/locks/local-lock.js';
import { isStale } from '../../../src/core/locks/stale.js';
import { LockHeldError, type LockHolder } from '../../../src/core/locks/types.js';
import { deadPid } from '../records/support.js';

const holder = (runId: string, over: Partial<LockHolder> = {}): LockHolder => ({
  runId,
  who: 'alice@laptop',
  host: hostname(),
  pid: process.pid,
  since: '2026-11-22T04:00:00.000Z',
  verb: 'deploy',
  ...over,
});

test('the second acquire is refused with the holder, the first release frees it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lock-'));
  const a = new LocalLock(join(dir, 'locks'), 'dev', dir);
  const b = new LocalLock(join(dir, 'locks'), 'dev', dir);
  await a.acquire(holder('run-a'));
  await assert.rejects(b.acquire(holder('run-b', { who: 'bob@ci' })), (e: unknown) => {
    assert.ok(e instanceof LockHeldError);
    assert.equal(e.exitCode, 1);
    assert.equal(e.code, 'ENV_LOCKED');
    assert.match(e.message, /dev is locked by alice@laptop since 2026-11-22T04:00:00.000Z \(running deploy, pid \d+, run run-a\)/);
    assert.match(e.hint!, /lock status/);
    return true;
  });
  await b.release('run-b'); // not the holder: no effect
  assert.equal((await a.status())?.runId, 'run-a');
  await a.release('run-a');
  assert.equal(await a.status(), undefined);
  await b.acquire(holder('run-b'));
  assert.equal((await a.status())?.who, 'alice@laptop');
  // another environment has its own lock
  await new LocalLock(join(dir, 'locks'), 'other', dir).acquire(holder('run-c'));
});

test('many acquirers at once: exactly one wins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lock-'));
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) => new LocalLock(join(dir, 'locks'), 'dev', dir).acquire(holder(`run-${i}`))),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LockHeldError));
});

test('a holder whose process is gone on this host is stale; another host cannot be judged', async () => {
  const pid = deadPid();
  assert.equal(isStale(holder('x', { pid })), true);
  assert.equal(isStale(holder('x', { pid: process.pid })), false);
  assert.equal(isStale(holder('x', { pid, host: 'some-other-host' })), false);
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lock-'));
  const lock = new LocalLock(join(dir, 'locks'), 'dev', dir);
  await lock.acquire(holder('dead', { pid }));
  await assert.rejects(lock.acquire(holder('next')), (e: unknown) => {
    assert.ok(e instanceof LockHeldError);
    assert.match(e.details.join(' '), /is gone: the lock is stale/);
    assert.match(e.hint!, /lock release --force/);
    return true;
  });
  assert.equal((await lock.forceRelease())?.runId, 'dead');
  assert.equal(existsSync(join(dir, 'locks', 'dev.json')), false);
});

test('an unreadable lock file still counts as held, by someone unknown, and can be forced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lock-'));
  mkdirSync(join(dir, 'locks'));
  writeFileSync(join(dir, 'locks', 'dev.json'), '{garbage');
  const lock = new LocalLock(join(dir, 'locks'), 'dev', dir);
  assert.equal((await lock.status())?.who, 'unknown');
  await assert.rejects(lock.acquire(holder('a')), LockHeldError);
  await lock.forceRelease();
  await lock.acquire(holder('a'));
});
