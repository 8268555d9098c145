/**
 * The application-wide image lock on moto: while one run (of any environment) holds it, `clean` of
 * another environment is refused with the holder and deletes nothing; once released, it runs. A
 * holder whose lock is forced away is stopped through its signal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { lifecycleProject, run, show } from '../aws/helpers.js';
import { testContext } from '../../helpers/context.js';
import { imageLock, withImageLock } from '../../../src/core/locks/image-lock.js';
import { LockLostError } from '../../../src/core/locks/types.js';
import { stateAwsClients, stateTable } from '../../../src/core/records/stores.js';
import { ensureTable } from '../../../src/providers/aws/dynamodb.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => moto?.stop());

test('clean is refused while another environment holds the image lock, and runs once it is released', async () => {
  const dir = lifecycleProject();
  const ctx = testContext({ dir, env: 'demo', endpointUrl: moto.url });
  await ensureTable(stateAwsClients(ctx.aws.config), stateTable(ctx.env), 20);
  const lock = imageLock(ctx);
  const now = Date.now();
  await lock.acquire({
    runId: 'bake-1',
    who: 'alice@ci',
    host: 'ci-7',
    pid: 11,
    since: new Date(now).toISOString(),
    verb: 'bake (staging)',
    heartbeat: new Date(now).toISOString(),
    expires: new Date(now + 60_000).toISOString(),
  });
  const refused = await run(dir, moto.url, ['demo', 'clean', '--yes']);
  assert.equal(refused.code, 1, show(refused));
  assert.match(
    refused.stderr,
    /error: the image store of frag is locked by alice@ci since \S+ \(running bake \(staging\), pid 11 on ci-7, run bake-1/,
  );
  assert.match(refused.stderr, /hint:\s+wait until that bake \(staging\) ends/);
  await lock.release('bake-1');
  const ok = await run(dir, moto.url, ['demo', 'clean', '--yes']);
  assert.equal(ok.code, 0, show(ok));
  assert.equal(await lock.status(), undefined, 'clean released the image lock');
});

test('a bake whose image lock is taken from it stops at its next safe point, with the lock-lost error', async () => {
  const dir = lifecycleProject();
  const ctx = testContext({ dir, env: 'demo', endpointUrl: moto.url, options: { lease: { leaseMs: 60_000, heartbeatMs: 100 } } });
  await ensureTable(stateAwsClients(ctx.aws.config), stateTable(ctx.env), 20);
  const outer = ctx.signal;
  let sawAbort = false;
  const started = Date.now();
  const body = async (): Promise<string> => {
    // Stands in for bake's long steps: each waits on ctx.signal, as the real waits do.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10_000);
      ctx.signal.addEventListener('abort', () => {
        sawAbort = true;
        clearTimeout(t);
        resolve();
      });
      void imageLock(ctx).forceRelease(); // another operator forces the lock away
    });
    return 'finished';
  };
  await assert.rejects(
    withImageLock(ctx, 'bake', body),
    (e: unknown) => e instanceof LockLostError && /image store of frag/.test(e.message),
  );
  assert.ok(sawAbort, "the run's signal was aborted while the body ran");
  assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms, not after the body's 10 s`);
  assert.equal(ctx.signal, outer, 'the run keeps its own signal afterwards');
  assert.equal(await imageLock(ctx).status(), undefined, 'nothing re-took the lock');
});
