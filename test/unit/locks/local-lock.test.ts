import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLock } from '../../../src/core/locks/local-lock.js';
import { isStale } from '../../../src/core/locks/stale.js';
import { startHeartbeat } from '../../../src/core/locks/heartbeat.js';
import { LockHeldError, LockLostError, UnreadableLockError, type LockHolder } from '../../../src/core/locks/types.js';
import { deadPid } from '../records/support.js';

const iso = (msFromNow: number): string => new Date(Date.now() + msFromNow).toISOString();
const holder = (runId: string, over: Partial<LockHolder> = {}): LockHolder => ({
  runId,
  who: 'alice@laptop',
  host: 'laptop',
  pid: process.pid,
  since: '2026-11-22T04:00:00.000Z',
  verb: 'deploy',
  heartbeat: iso(0),
  expires: iso(60_000),
  ...over,
});
const fresh = (): { dir: string; lock: () => LocalLock } => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-lock-'));
  return { dir, lock: () => new LocalLock(join(dir, 'locks'), 'dev', dir) };
};

test('the second acquire is refused with the holder and its message, the first release frees it', async () => {
  const { dir, lock } = fresh();
  const a = lock();
  const b = lock();
  await a.acquire(holder('run-a', { message: 'migrating the db, back at 5' }));
  await assert.rejects(b.acquire(holder('run-b', { who: 'bob@ci' })), (e: unknown) => {
    assert.ok(e instanceof LockHeldError);
    assert.equal(e.exitCode, 1);
    assert.equal(e.code, 'ENV_LOCKED');
    assert.match(
      e.message,
      /dev is locked by alice@laptop since 2026-11-22T04:00:00.000Z \(running deploy, pid \d+ on laptop, run run-a, last heartbeat \S+\)/,
    );
    assert.deepEqual(e.details, ['message: migrating the db, back at 5']);
    assert.match(e.hint!, /lock status/);
    return true;
  });
  await b.release('run-b'); // not the holder: no effect
  assert.equal((await a.status())?.runId, 'run-a');
  await a.release('run-a');
  assert.equal(await a.status(), undefined);
  await b.acquire(holder('run-b'));
  await new LocalLock(join(dir, 'locks'), 'other', dir).acquire(holder('run-c')); // its own lock
});

test('many acquirers at once: exactly one wins, also when they race for an expired lock', async () => {
  for (const start of ['free', 'expired']) {
    const { lock } = fresh();
    if (start === 'expired') await lock().acquire(holder('dead', { heartbeat: iso(-120_000), expires: iso(-60_000) }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => lock().acquire(holder(`run-${i}`))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, start);
    assert.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof LockHeldError));
    assert.match((await lock().status())!.runId, /^run-\d$/);
  }
});

test('stale means an expired lease, wherever the holder ran', async () => {
  // another host, fresh heartbeat: alive, whatever its pid means here
  assert.equal(isStale(holder('x', { host: 'elsewhere', pid: deadPid() })), false);
  // this host, live pid, but no heartbeat for longer than the lease: stale
  assert.equal(isStale(holder('x', { pid: process.pid, heartbeat: iso(-200_000), expires: iso(-1) })), true);
  // another host, expired: stale too
  assert.equal(isStale(holder('x', { host: 'elsewhere', expires: iso(-1) })), true);
  // an old lock without a lease: never judged stale
  assert.equal(isStale(holder('x', { expires: undefined, pid: deadPid() })), false);

  const { lock } = fresh();
  await lock().acquire(holder('alive', { host: 'elsewhere' }));
  await assert.rejects(lock().acquire(holder('next')), (e: unknown) => e instanceof LockHeldError && e.details.length === 0);
  const { lock: lock2 } = fresh();
  await lock2().acquire(holder('dead', { host: 'elsewhere', heartbeat: iso(-90_000), expires: iso(-30_000) }));
  await lock2().acquire(holder('next')); // taken over
  assert.equal((await lock2().status())?.runId, 'next');
});

test('renew extends the lease only for the owner; a lock that changed hands is lost', async () => {
  const { lock } = fresh();
  const a = lock();
  await a.acquire(holder('run-a'));
  const until = iso(90_000);
  await a.renew('run-a', iso(0), until);
  assert.equal((await a.status())?.expires, until);
  await assert.rejects(a.renew('run-b', iso(0), until), LockLostError);
  assert.equal(await a.forceRelease('run-b'), undefined, 'force is conditional on the holder shown');
  assert.equal((await a.forceRelease('run-a'))?.runId, 'run-a');
  await assert.rejects(a.renew('run-a', iso(0), until), /the lock of dev was lost: .* is gone/);
});

test('a heartbeat keeps the lease alive, and aborts the run when the lock is taken away', async () => {
  const { lock } = fresh();
  const a = lock();
  const h = holder('run-a', { expires: iso(300) });
  await a.acquire(h);
  const beat = startHeartbeat(a, h, { leaseMs: 300, heartbeatMs: 50 }, 'dev');
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(isStale((await a.status())!), false, 'renewed past its first expiry');
  assert.equal(beat.signal.aborted, false);
  await a.forceRelease('run-a');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(beat.signal.aborted, true);
  assert.ok(beat.lost instanceof LockLostError);
  beat.stop();
});

test('an unreadable lock file says so and how to clear it; force removes it', async () => {
  const { dir, lock } = fresh();
  mkdirSync(join(dir, 'locks'));
  writeFileSync(join(dir, 'locks', 'dev.json'), '{garbage');
  const l = lock();
  for (const attempt of [l.status(), l.acquire(holder('a'))]) {
    await assert.rejects(attempt, (e: unknown) => {
      assert.ok(e instanceof UnreadableLockError);
      assert.equal(e.message, 'the lock of dev (locks/dev.json) is unreadable: it is not a lock fragctl wrote');
      assert.match(e.hint!, /clear it with: rm locks\/dev.json \(or fragctl dev lock release --force\)/);
      return true;
    });
  }
  assert.equal(readFileSync(join(dir, 'locks', 'dev.json'), 'utf8'), '{garbage', 'left as it was');
  await l.forceRelease();
  assert.equal(existsSync(join(dir, 'locks', 'dev.json')), false);
  await l.acquire(holder('a'));
});

test('a store that cannot be reached: the heartbeat retries while the lease lasts, then aborts the run saying why', async () => {
  // The lock itself is a real LocalLock; only its renewals fail, as they do when the store is unreachable.
  const { lock } = fresh();
  const a = lock();
  const h = holder('run-u', { expires: iso(400) });
  await a.acquire(h);
  let failing = true;
  let failures = 0;
  const flaky = Object.assign(Object.create(a) as LocalLock, {
    renew: async (...args: Parameters<LocalLock['renew']>) => {
      if (!failing) return a.renew(...args);
      failures++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:4566');
    },
  });
  // A store that comes back before the lease runs out: the run goes on.
  const kept = startHeartbeat(flaky, h, { leaseMs: 400, heartbeatMs: 50 }, 'dev');
  await new Promise((r) => setTimeout(r, 120));
  assert.ok(failures >= 1, 'renewals were tried');
  assert.equal(kept.signal.aborted, false, 'a failed renewal alone does not stop the run');
  failing = false;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(kept.signal.aborted, false, 'renewed once the store answered again');
  kept.stop();

  // A store that stays away: stopped before the lease would run out, with the reason.
  failing = true;
  const h2 = holder('run-u', { expires: iso(300) });
  const lost = startHeartbeat(flaky, h2, { leaseMs: 300, heartbeatMs: 50 }, 'dev');
  for (let i = 0; i < 60 && !lost.signal.aborted; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(lost.signal.aborted, true);
  assert.ok(lost.lost instanceof LockLostError);
  assert.match(
    lost.lost.message,
    /the lock of dev was lost: its heartbeat failed \(connect ECONNREFUSED 127\.0\.0\.1:4566\) and the lease runs out at \S+/,
  );
  lost.stop();
});
