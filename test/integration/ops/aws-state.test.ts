import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { copyProject, fragctl, nodeScript, ROOT } from '../../helpers/cli.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';
import { ensureTable } from '../../../src/providers/aws/dynamodb.js';
import { DynamoLock } from '../../../src/core/locks/dynamo-lock.js';
import { LockHeldError } from '../../../src/core/locks/types.js';
import { guardedRun } from '../../../src/core/records/guard.js';
import { DynamoRecordStore } from '../../../src/core/records/dynamo-store.js';
import { StateUnreachableError } from '../../../src/core/records/stores.js';
import { deadPid } from '../../unit/records/support.js';
import { testContext } from '../../helpers/context.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

const clients = (): AwsClients => new AwsClients({ region: 'us-east-1', endpointUrl: moto.url });
const holder = (runId: string, who: string) => ({ runId, who, host: 'h', pid: 1, since: new Date().toISOString(), verb: 'commission' });

test('two operators write the lock at once: DynamoDB lets exactly one in', async () => {
  await ensureTable(clients(), 'myapp-fragctl', 20);
  const results = await Promise.allSettled(
    ['alice', 'bob', 'carol', 'dave'].map((who, i) =>
      new DynamoLock(clients(), 'myapp-fragctl', 'staging').acquire(holder(`run-${i}`, who)),
    ),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const winner = await new DynamoLock(clients(), 'myapp-fragctl', 'staging').status();
  for (const r of results) {
    if (r.status === 'rejected') {
      assert.ok(r.reason instanceof LockHeldError);
      assert.equal(r.reason.holder.who, winner!.who);
    }
  }
  // a stale release by a loser does nothing; the holder's release frees it
  await new DynamoLock(clients(), 'myapp-fragctl', 'staging').release('not-the-holder');
  assert.equal((await new DynamoLock(clients(), 'myapp-fragctl', 'staging').status())?.runId, winner!.runId);
  await new DynamoLock(clients(), 'myapp-fragctl', 'staging').release(winner!.runId);
  assert.equal(await new DynamoLock(clients(), 'myapp-fragctl', 'staging').status(), undefined);
});

test('the first changing run creates the state table and records to it and to the local cache', async () => {
  const dir = copyProject();
  const ctx = testContext({ dir, env: 'staging', endpointUrl: moto.url });
  await guardedRun(ctx, { verb: 'commission', args: ['staging', 'commission'], touched: [{ stackId: 'arn:stack/x' }] }, async () => 0);
  const app = ctx.env.settings.app_name;
  const db = await clients().dynamodb();
  const table = (await db.send(new DescribeTableCommand({ TableName: `${app}-fragctl` }))).Table!;
  assert.equal(table.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.deepEqual(
    table.KeySchema?.map((k) => [k.AttributeName, k.KeyType]),
    [
      ['pk', 'HASH'],
      ['sk', 'RANGE'],
    ],
  );
  const remote = await new DynamoRecordStore(clients(), `${app}-fragctl`).list('staging', 10);
  assert.equal(remote.records.length, 1);
  assert.equal(remote.records[0]!.outcome, 'succeeded');
  assert.deepEqual(remote.records[0]!.touched, [{ stackId: 'arn:stack/x' }]);
  assert.ok(existsSync(join(dir, '.fragctl', 'runs.jsonl')));
  assert.equal(await new DynamoLock(clients(), `${app}-fragctl`, 'staging').status(), undefined);
});

function child(dir: string, env: string, markers: string, holdMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      [...nodeScript(join(ROOT, 'test/integration/ops/guarded-child.ts')), dir, env, moto.url, markers, String(holdMs)],
      { cwd: ROOT },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('two changing runs started together in two processes: exactly one runs, the other is refused with the holder', async () => {
  const dir = copyProject();
  const markers = mkdtempSync(join(tmpdir(), 'fragctl-markers-'));
  const [a, b] = await Promise.all([child(dir, 'staging', markers, 1500), child(dir, 'staging', markers, 1500)]);
  const ok = [a, b].filter((r) => r.code === 0);
  const refused = [a, b].filter((r) => r.code !== 0);
  assert.equal(ok.length, 1, `${a.stderr}\n${b.stderr}`);
  assert.equal(refused[0]!.code, 1);
  assert.match(
    refused[0]!.stderr,
    /staging is locked by .+@.+ since \S+ \(running commission, pid \d+ on \S+, run \S+, last heartbeat \S+\)/,
  );
  assert.match(refused[0]!.stderr, /code=ENV_LOCKED/);
  // nothing half done: the refused one never started its work
  assert.equal(readFileSync(join(markers, 'started'), 'utf8').trim().split('\n').length, 1);
  assert.equal(readFileSync(join(markers, 'finished'), 'utf8').trim().split('\n').length, 1);
  const history = await fragctl(['staging', 'history', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(history.code, 0, history.stderr);
  const parsed = JSON.parse(history.stdout) as {
    env: string;
    store: string;
    records: Array<{ outcome: string; verb: string }>;
    warnings: string[];
  };
  assert.equal(parsed.env, 'staging');
  assert.match(parsed.store, /^DynamoDB table .+-fragctl$/);
  assert.deepEqual(
    parsed.records.map((r) => [r.verb, r.outcome]),
    [['commission', 'succeeded']],
  );
  const table = await fragctl(['staging', 'history', '--endpoint-url', moto.url], { cwd: dir });
  assert.match(table.stdout, /STARTED\s+VERB\s+OUTCOME\s+DURATION\s+WHO\s+COMMIT\s+RUN/);
  assert.match(table.stdout, /commission\s+succeeded\s+\d+s\s+\S+@\S+\s+unknown/);
});

test('store unreachable: an unprotected environment runs with a warning; a protected one refuses', async () => {
  const dir = copyProject();
  const closed = 'http://127.0.0.1:9';
  const staging = testContext({ dir, env: 'staging', endpointUrl: closed });
  let ran = false;
  await guardedRun(staging, { verb: 'deploy', args: [], touched: [] }, async () => {
    ran = true;
  });
  assert.equal(ran, true);
  const w = staging.io.events.find((e) => e.code === 'run.unlocked');
  assert.match(w!.message, /cannot reach the run record and lock store \(DynamoDB table .+-fragctl\).*running WITHOUT the lock/);
  assert.match(readFileSync(join(dir, '.fragctl', 'runs.jsonl'), 'utf8'), /"outcome":"succeeded"/);
  ran = false;
  await assert.rejects(
    guardedRun(testContext({ dir, env: 'production', endpointUrl: closed }), { verb: 'deploy', args: [], touched: [] }, async () => {
      ran = true;
    }),
    (e: unknown) => {
      assert.ok(e instanceof StateUnreachableError);
      assert.equal(e.exitCode, 1);
      assert.equal(e.code, 'STATE_UNREACHABLE');
      assert.match(e.message, /production is protected: refusing to deploy without its lock/);
      return true;
    },
  );
  assert.equal(ran, false);
  // history still answers from the cache, with a warning
  const h = await fragctl(['staging', 'history', '--json', '--endpoint-url', closed], { cwd: dir });
  assert.equal(h.code, 0, h.stderr);
  assert.equal((JSON.parse(h.stdout) as { records: unknown[] }).records.length, 1);
  assert.match(h.stderr, /showing the local cache/);
});

test('lock status and release --force on an expired holder, and on a live one without a TTY', async () => {
  const dir = copyProject();
  const ctx = testContext({ dir, env: 'staging', endpointUrl: moto.url });
  const table = `${ctx.env.settings.app_name}-fragctl`;
  await ensureTable(clients(), table, 20);
  const { hostname } = await import('node:os');
  const pid = deadPid();
  // a holder that stopped renewing its lease (on another machine: stale all the same)
  const expired = { heartbeat: '2026-11-22T04:00:00.000Z', expires: '2026-11-22T04:02:00.000Z' };
  await new DynamoLock(clients(), table, 'staging').acquire({
    runId: 'r1',
    who: 'alice@laptop',
    host: 'laptop',
    pid,
    since: '2026-11-22T04:00:00.000Z',
    verb: 'update',
    ...expired,
  });
  const status = await fragctl(['staging', 'lock', 'status', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout), {
    env: 'staging',
    location: `DynamoDB table ${table}`,
    locked: true,
    stale: true,
    holder: { runId: 'r1', who: 'alice@laptop', host: 'laptop', pid, since: '2026-11-22T04:00:00.000Z', verb: 'update', ...expired },
  });
  const text = await fragctl(['staging', 'lock', '--endpoint-url', moto.url], { cwd: dir });
  assert.match(text.stdout, /staging is locked \(STALE: its lease expired\) by alice@laptop since 2026-11-22T04:00:00.000Z/);
  assert.match(text.stdout, /last heartbeat 2026-11-22T04:00:00.000Z, lease until 2026-11-22T04:02:00.000Z/);
  const noForce = await fragctl(['staging', 'lock', 'release', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(noForce.code, 2);
  assert.match(noForce.stderr, /needs --force/);
  // even a stale lock is only broken after a confirmation: --yes without a TTY
  const unconfirmed = await fragctl(['staging', 'lock', 'release', '--force', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(unconfirmed.code, 2, unconfirmed.stderr);
  assert.match(unconfirmed.stdout, /lease expired at 2026-11-22T04:02:00.000Z/);
  const released = await fragctl(['staging', 'lock', 'release', '--force', '--yes', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(released.code, 0, released.stderr);
  assert.equal((JSON.parse(released.stdout) as { released: boolean }).released, true);
  assert.equal(await new DynamoLock(clients(), table, 'staging').status(), undefined);

  // a live holder: breaking it needs a confirmation, and without a TTY that means --yes
  await new DynamoLock(clients(), table, 'staging').acquire({
    runId: 'r2',
    who: 'bob@ci',
    host: hostname(),
    pid: process.pid,
    since: '2026-11-22T05:00:00.000Z',
    verb: 'deploy',
    heartbeat: new Date().toISOString(),
    expires: new Date(Date.now() + 60_000).toISOString(),
  });
  const refused = await fragctl(['staging', 'lock', 'release', '--force', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.deepEqual(Object.keys((JSON.parse(refused.stdout) as { error: object }).error), [
    'code',
    'message',
    'hint',
    'details',
    'exitCode',
  ]);
  const err = (JSON.parse(refused.stdout) as { error: { code: string; hint: string; exitCode: number } }).error;
  assert.equal(err.code, 'CONFIRM_NEEDED');
  assert.match(err.hint, /--yes/);
  assert.equal((await new DynamoLock(clients(), table, 'staging').status())?.runId, 'r2');
  const yes = await fragctl(['staging', 'lock', 'release', '--force', '--yes', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(yes.stdout, /released the lock of staging/);
  assert.equal(await new DynamoLock(clients(), table, 'staging').status(), undefined);
});

test('runs lists every environment from the table and the cache', async () => {
  const dir = copyProject();
  await guardedRun(
    testContext({ dir, env: 'staging', endpointUrl: moto.url }),
    { verb: 'commission', args: [], touched: [] },
    async () => 0,
  );
  await guardedRun(
    testContext({ dir, env: 'production', endpointUrl: moto.url }),
    { verb: 'update', args: [], touched: [] },
    async () => 1,
  );
  const runs = await fragctl(['runs', '--json', '--endpoint-url', moto.url], { cwd: dir });
  assert.equal(runs.code, 0, runs.stderr);
  const parsed = JSON.parse(runs.stdout) as {
    records: Array<{ env: string; outcome: string }>;
    sources: Array<{ location: string; ok: boolean; envs: string[] }>;
  };
  assert.deepEqual(
    parsed.records.map((r) => [r.env, r.outcome]),
    [
      ['production', 'failed'],
      ['staging', 'succeeded'],
    ],
  );
  assert.ok(parsed.sources.some((s) => s.ok && /DynamoDB/.test(s.location) && s.envs.includes('production')));
  const table = await fragctl(['runs', '--endpoint-url', moto.url], { cwd: dir });
  assert.match(table.stdout, /ENV\s+STARTED\s+VERB/);
  assert.match(table.stdout, /production\s+\S+ \S+\s+update\s+failed/);
});
