/**
 * `lock release --force` through the real CLI on a local environment whose lock a live run holds
 * (a real process with a heartbeat): refused without a TTY and without --yes, naming the holder
 * and its last heartbeat; with --yes it is released, the forced release is recorded, and the
 * holder's run stops at its next safe point with exit 1 saying why. `--message` travels with a lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl, nodeScript, ROOT } from '../../helpers/cli.js';
import { addEnv } from '../../unit/records/support.js';

const LOCAL = 'platform: local\nlocal:\n  hosts:\n    - { name: one, address: 127.0.0.1, port: 1, groups: [app] }\n';

function liveHolder(dir: string): { started: Promise<void>; exit: Promise<{ code: number | null; stderr: string }>; markers: string } {
  const markers = mkdtempSync(join(tmpdir(), 'fragctl-markers-'));
  const child = spawn(
    process.execPath,
    [...nodeScript(join(ROOT, 'test/integration/ops/guarded-child.ts')), dir, 'dev', 'http://127.0.0.1:9', markers, '60000', '1000'],
    { cwd: ROOT },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  const started = (async () => {
    for (let i = 0; i < 300 && !existsSync(join(markers, 'started')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(join(markers, 'started')), 'the holder started');
  })();
  return { started, exit, markers };
}

test('force release: asks (refused without --yes), names the holder and its heartbeat, records who; the holder stops with exit 1', async () => {
  const dir = copyProject();
  addEnv(dir, 'dev', LOCAL);
  const holder = liveHolder(dir);
  await holder.started;
  // alive past several lease lengths: its heartbeat keeps it
  await new Promise((r) => setTimeout(r, 2500));
  const status = JSON.parse((await fragctl(['dev', 'lock', 'status', '--json'], { cwd: dir })).stdout) as {
    stale: boolean;
    holder: { heartbeat: string; expires: string; runId: string };
  };
  assert.equal(status.stale, false);
  assert.ok(Date.parse(status.holder.heartbeat) > Date.now() - 1500, `recent heartbeat ${status.holder.heartbeat}`);

  const refused = await fragctl(['dev', 'lock', 'release', '--force'], { cwd: dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /pass --yes/);
  assert.match(
    refused.stderr,
    new RegExp(
      `took the lock of dev at \\S+ for commission \\(pid \\d+ on \\S+, run ${status.holder.runId}\\); last heartbeat \\S+, lease valid until \\S+: it may still be running`,
    ),
  );
  assert.ok(existsSync(join(dir, '.fragctl', 'locks', 'dev.json')), 'nothing released without confirmation');

  const forced = await fragctl(['dev', 'lock', 'release', '--force', '--yes'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(
    forced.stderr,
    new RegExp(
      `released the lock of dev \\(held by \\S+ for commission since \\S+, run ${status.holder.runId}, last heartbeat \\d{4}-\\S+\\)`,
    ),
  );
  assert.match(forced.stdout, /released the lock of dev/);
  assert.equal(existsSync(join(dir, '.fragctl', 'locks', 'dev.json')), false);

  const stopped = await holder.exit;
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(stopped.stderr, /the lock of dev was lost: .*dev\.json is gone/);
  assert.match(stopped.stderr, /code=LOCK_LOST exit=1/);

  const history = JSON.parse((await fragctl(['dev', 'history', '--json'], { cwd: dir })).stdout) as {
    records: Array<{ verb: string; outcome: string; who: string; touched: Array<{ forcedLock?: { runId: string } }> }>;
  };
  const force = history.records.find((r) => r.verb === 'lock release --force');
  assert.ok(force, JSON.stringify(history.records));
  assert.equal(force.touched[0]?.forcedLock?.runId, status.holder.runId);
  const run = history.records.find((r) => r.verb === 'commission');
  assert.equal(run?.outcome, 'failed');
});

test('a garbage lock file: status and changing verbs say it is unreadable and how to clear it; force --yes clears it', async () => {
  const dir = copyProject();
  addEnv(dir, 'dev', LOCAL);
  mkdirSync(join(dir, '.fragctl', 'locks'), { recursive: true });
  writeFileSync(join(dir, '.fragctl', 'locks', 'dev.json'), '\u0000\u0000not json');
  const status = await fragctl(['dev', 'lock', 'status'], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /dev is locked by an unreadable lock \(\.fragctl\/locks\/dev\.json\)/);
  assert.match(status.stdout, /clear it with: rm \.fragctl\/locks\/dev\.json/);
  const verb = await fragctl(['dev', 'provision'], { cwd: dir });
  assert.equal(verb.code, 1, verb.stderr);
  assert.match(verb.stderr, /error: the lock of dev \(\.fragctl\/locks\/dev\.json\) is unreadable: it is not a lock fragctl wrote/);
  assert.match(verb.stderr, /hint:\s+look at it, then clear it with: rm \.fragctl\/locks\/dev\.json/);
  const noYes = await fragctl(['dev', 'lock', 'release', '--force'], { cwd: dir });
  assert.equal(noYes.code, 2, noYes.stderr);
  assert.ok(existsSync(join(dir, '.fragctl', 'locks', 'dev.json')));
  const forced = await fragctl(['dev', 'lock', 'release', '--force', '--yes'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(existsSync(join(dir, '.fragctl', 'locks', 'dev.json')), false);
});

test('--message rides with the lock: shown by lock status and to a run that is refused', async () => {
  const dir = copyProject();
  addEnv(dir, 'dev', LOCAL);
  mkdirSync(join(dir, '.fragctl', 'locks'), { recursive: true });
  const now = Date.now();
  const lock = {
    runId: 'r-1',
    who: 'carol@ops',
    host: 'ops-box',
    pid: 7,
    since: new Date(now).toISOString(),
    verb: 'provision',
    heartbeat: new Date(now).toISOString(),
    expires: new Date(now + 600_000).toISOString(),
    message: 'db migration, do not deploy',
  };
  writeFileSync(join(dir, '.fragctl', 'locks', 'dev.json'), JSON.stringify(lock));
  const status = await fragctl(['dev', 'lock', 'status'], { cwd: dir });
  assert.match(status.stdout, /message db migration, do not deploy/);
  const refused = await fragctl(['dev', 'provision', '--message', 'mine'], { cwd: dir });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /dev is locked by carol@ops .*run r-1/);
  assert.match(refused.stderr, /message: db migration, do not deploy/);
  assert.equal(JSON.parse(readFileSync(join(dir, '.fragctl', 'locks', 'dev.json'), 'utf8')).message, 'db migration, do not deploy');
});
