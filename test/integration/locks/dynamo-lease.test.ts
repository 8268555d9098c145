/**
 * The DynamoDB lock as a lease, on moto through the real SDK: two processes racing for the same
 * lock (free, or expired) — exactly one wins, every round; a live holder on another host is not
 * stale, an expired one is taken over; renew, release and force are conditional on the owner.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { nodeScript, ROOT } from '../../helpers/cli.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';
import { ensureTable } from '../../../src/providers/aws/dynamodb.js';
import { DynamoLock } from '../../../src/core/locks/dynamo-lock.js';
import { isStale } from '../../../src/core/locks/stale.js';
import { LockHeldError, LockLostError, type LockHolder } from '../../../src/core/locks/types.js';

const TABLE = 'race-fragctl';
let moto: Moto;
let aws: AwsClients;
before(async () => {
  moto = await startMoto();
  aws = new AwsClients({ region: 'us-east-1', endpointUrl: moto.url });
  await ensureTable(aws, TABLE, 50);
});
after(async () => moto?.stop());

const iso = (msFromNow: number): string => new Date(Date.now() + msFromNow).toISOString();
const holder = (runId: string, over: Partial<LockHolder> = {}): LockHolder => ({
  runId,
  who: `op@${runId}`,
  host: `host-${runId}`,
  pid: 4242,
  since: iso(0),
  verb: 'deploy',
  heartbeat: iso(0),
  expires: iso(60_000),
  ...over,
});

function racer(who: string): { child: ChildProcessWithoutNullStreams; next(): Promise<string> } {
  const child = spawn(process.execPath, [...nodeScript(join(ROOT, 'test/integration/locks/dynamo-racer.ts')), moto.url, TABLE, who], {
    cwd: ROOT,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => String((await lines.next()).value) };
}

test('two processes racing for the same lock over DynamoDB: exactly one wins, each of 20 rounds', async () => {
  const a = racer('alpha');
  const b = racer('beta');
  try {
    assert.deepEqual([await a.next(), await b.next()], ['ready', 'ready']);
    const wins = { alpha: 0, beta: 0 };
    for (let round = 1; round <= 20; round++) {
      const env = `race${round}`;
      // every other round starts from an expired lock of a dead holder: the takeover is raced
      if (round % 2 === 0)
        await new DynamoLock(aws, TABLE, env).acquire(holder(`dead-${round}`, { heartbeat: iso(-90_000), expires: iso(-30_000) }));
      a.child.stdin.write(`${env}\n`);
      b.child.stdin.write(`${env}\n`);
      const results = [await a.next(), await b.next()];
      const won = results.filter((r) => r === `${env} won`);
      assert.equal(won.length, 1, `round ${round}: ${results.join(', ')}`);
      assert.ok(
        results.every((r) => r === `${env} won` || r === `${env} lost`),
        results.join(', '),
      );
      const winner = results[0] === `${env} won` ? 'alpha' : 'beta';
      wins[winner]++;
      assert.equal((await new DynamoLock(aws, TABLE, env).status())?.runId, `${winner}-${env}`, 'the item names the winner');
    }
    assert.equal(wins.alpha + wins.beta, 20);
  } finally {
    a.child.kill();
    b.child.kill();
  }
});

test('a live holder on another host is not stale; an expired one is, and is taken over', async () => {
  const lock = new DynamoLock(aws, TABLE, 'hosts');
  await lock.acquire(holder('far', { host: 'another-machine', pid: 1 }));
  const live = (await lock.status())!;
  assert.equal(live.host, 'another-machine');
  assert.equal(isStale(live), false);
  await assert.rejects(lock.acquire(holder('near')), (e: unknown) => e instanceof LockHeldError && !/stale/.test(e.details.join(' ')));

  const old = new DynamoLock(aws, TABLE, 'expired');
  await old.acquire(holder('gone', { host: 'another-machine', heartbeat: iso(-120_000), expires: iso(-60_000) }));
  assert.equal(isStale((await old.status())!), true);
  await old.acquire(holder('near', { message: 'taking over' }));
  const now = (await old.status())!;
  assert.deepEqual([now.runId, now.message], ['near', 'taking over']);
});

test('renew, release and force are conditional on the owner id', async () => {
  const lock = new DynamoLock(aws, TABLE, 'owner');
  await lock.acquire(holder('mine'));
  const until = iso(120_000);
  await lock.renew('mine', iso(0), until);
  assert.equal((await lock.status())?.expires, until);
  await assert.rejects(lock.renew('theirs', iso(0), until), LockLostError);
  await lock.release('theirs');
  assert.equal((await lock.status())?.runId, 'mine', 'a release by another run removes nothing');
  assert.equal(await lock.forceRelease('theirs'), undefined, 'force for a holder no longer there removes nothing');
  assert.equal((await lock.forceRelease('mine'))?.runId, 'mine');
  assert.equal(await lock.status(), undefined);
  await assert.rejects(lock.renew('mine', iso(0), until), /the lock of owner was lost/);
});
