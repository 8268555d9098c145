import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardedRun } from '../../../src/core/records/guard.js';
import { LocalLock } from '../../../src/core/locks/local-lock.js';
import { LockHeldError } from '../../../src/core/locks/types.js';
import { InterruptedError, OperationError } from '../../../src/core/errors.js';
import type { RunRecord } from '../../../src/core/records/types.js';
import { copyProject } from '../../helpers/cli.js';
import { addEnv } from './support.js';
import { testContext } from '../../helpers/context.js';

function localProject(): string {
  const dir = copyProject();
  addEnv(dir, 'dev', 'platform: local\nlocal:\n  hosts:\n    - { name: one, address: 127.0.0.1, groups: [app] }\n');
  return dir;
}

const lines = (dir: string): RunRecord[] =>
  readFileSync(join(dir, '.fragctl', 'runs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunRecord);

test('a changing verb holds the lock while it runs and leaves a finished record with what it touched', async () => {
  const dir = localProject();
  const ctx = testContext({ dir, env: 'dev' });
  const touched: Array<Record<string, unknown>> = [];
  const lock = new LocalLock(join(dir, '.fragctl', 'locks'), 'dev', dir);
  const code = await guardedRun(ctx, { verb: 'deploy', args: ['dev', 'deploy', 'db_password=x1y2z3'], touched }, async () => {
    const held = await lock.status();
    assert.equal(held?.verb, 'deploy');
    assert.equal(held?.pid, process.pid);
    touched.push({ kind: 'tag', value: 'release-7' });
    // a second changing verb meanwhile is refused
    await assert.rejects(
      guardedRun(testContext({ dir, env: 'dev' }), { verb: 'update', args: [], touched: [] }, async () => 0),
      LockHeldError,
    );
    return 0;
  });
  assert.equal(code, 0);
  assert.equal(await lock.status(), undefined);
  const recs = lines(dir);
  assert.equal(recs.length, 2);
  assert.equal(recs[0]!.outcome, 'running');
  const done = recs[1]!;
  assert.equal(done.id, recs[0]!.id);
  assert.equal(done.outcome, 'succeeded');
  assert.equal(done.exitCode, 0);
  assert.deepEqual(done.args, ['dev', 'deploy', 'db_password=********']);
  assert.deepEqual(done.touched, [{ kind: 'tag', value: 'release-7' }]);
  assert.match(done.who, /.+@.+/);
  assert.equal(done.commit, 'unknown');
  assert.ok(done.durationMs! >= 0 && done.endedAt);
});

test('failure and Ctrl-C release the lock and record the outcome', async () => {
  const dir = localProject();
  const lock = new LocalLock(join(dir, '.fragctl', 'locks'), 'dev', dir);
  await assert.rejects(
    guardedRun(testContext({ dir, env: 'dev' }), { verb: 'deploy', args: [], touched: [] }, async () => {
      throw new OperationError('ansible failed on app', { code: 'ANSIBLE_FAILED' });
    }),
    OperationError,
  );
  assert.equal(await lock.status(), undefined);
  const controller = new AbortController();
  await assert.rejects(
    guardedRun(testContext({ dir, env: 'dev', signal: controller.signal }), { verb: 'deploy', args: [], touched: [] }, async () => {
      controller.abort();
      throw new InterruptedError('interrupted', { code: 'INTERRUPTED' });
    }),
    InterruptedError,
  );
  assert.equal(await lock.status(), undefined);
  assert.equal(await guardedRun(testContext({ dir, env: 'dev' }), { verb: 'deploy', args: [], touched: [] }, async () => 3), 3);
  const finished = lines(dir).filter((r) => r.outcome !== 'running');
  assert.deepEqual(
    finished.map((r) => [r.outcome, r.exitCode, r.error?.code]),
    [
      ['failed', 1, 'ANSIBLE_FAILED'],
      ['interrupted', 130, 'INTERRUPTED'],
      ['failed', 3, undefined],
    ],
  );
});

test('what a run touched is recorded with secrets masked', async () => {
  const { clearSecrets, registerSecret } = await import('../../../src/core/redact.js');
  clearSecrets();
  registerSecret('s3cr3t-value-42');
  const dir = localProject();
  const touched: Array<Record<string, unknown>> = [];
  await guardedRun(
    testContext({ dir, env: 'dev' }),
    { verb: 'deploy', args: ['dev', 'deploy', '--extra', 'x=s3cr3t-value-42'], touched },
    async () => {
      touched.push({ kind: 'Secret', db_password: 'plain', note: 'rotated s3cr3t-value-42' });
    },
  );
  const text = readFileSync(join(dir, '.fragctl', 'runs.jsonl'), 'utf8');
  assert.doesNotMatch(text, /s3cr3t-value-42|"plain"/);
  const done = lines(dir).at(-1)!;
  assert.deepEqual(done.touched, [{ kind: 'Secret', db_password: '********', note: 'rotated ********' }]);
  assert.deepEqual(done.args, ['dev', 'deploy', '--extra', 'x=********']);
  clearSecrets();
});
