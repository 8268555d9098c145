/**
 * A holder that dies: a real process takes the lock of a local environment (a 6 s lease) and is
 * killed. Once its lease has expired the lock is reported stale, doctor --fix releases it, and a
 * changing verb would take it over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl, nodeScript, ROOT } from '../../helpers/cli.js';
import { addEnv } from '../../unit/records/support.js';

async function killedHolder(dir: string): Promise<number> {
  const markers = mkdtempSync(join(tmpdir(), 'fragctl-markers-'));
  const child = spawn(
    process.execPath,
    [...nodeScript(join(ROOT, 'test/integration/ops/guarded-child.ts')), dir, 'dev', 'http://127.0.0.1:9', markers, '60000', '6000'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const started = join(markers, 'started');
  for (let i = 0; i < 200 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(started), 'the holder started');
  const pid = Number(readFileSync(started, 'utf8').trim());
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  return pid;
}

test('a dead holder: live until its lease expires, then stale in lock status and doctor; doctor --fix releases it', async () => {
  const dir = copyProject();
  addEnv(dir, 'dev', 'platform: local\nlocal:\n  hosts:\n    - { name: one, address: 127.0.0.1, port: 1, groups: [app] }\n');
  const pid = await killedHolder(dir);
  const lockFile = join(dir, '.fragctl', 'locks', 'dev.json');
  assert.ok(existsSync(lockFile));
  // within its lease the dead holder still counts as alive: nobody can tell a dead process from a slow one
  const early = JSON.parse((await fragctl(['dev', 'lock', 'status', '--json'], { cwd: dir })).stdout) as {
    stale: boolean;
    holder: { expires: string };
  };
  assert.equal(early.stale, false);
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(early.holder.expires) - Date.now()) + 100));

  const status = await fragctl(['dev', 'lock', 'status', '--json'], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { locked: boolean; stale: boolean; location: string; holder: { pid: number; verb: string } };
  assert.deepEqual(
    [s.locked, s.stale, s.location, s.holder.pid, s.holder.verb],
    [true, true, '.fragctl/locks/dev.json', pid, 'commission'],
  );

  const report = await fragctl(['dev', 'doctor'], { cwd: dir });
  assert.equal(report.code, 1);
  assert.match(report.stdout, /stuck\s+lock of dev \(\.fragctl\/locks\/dev\.json\) \[lock\.stale\]/);
  assert.match(report.stdout, /fix:\s+release it: fragctl dev lock release --force/);

  const noTty = await fragctl(['dev', 'doctor', '--fix', '--json'], { cwd: dir });
  assert.equal(noTty.code, 2);
  const err = (JSON.parse(noTty.stdout) as { error: { code: string; hint: string } }).error;
  assert.equal(err.code, 'CONFIRM_NEEDED');
  assert.match(err.hint, /pass --yes/);
  assert.ok(existsSync(lockFile), 'nothing changed without confirmation');

  const fixed = await fragctl(['dev', 'doctor', '--fix', '--yes', '--json'], { cwd: dir });
  assert.equal(fixed.code, 0, fixed.stderr);
  const out = JSON.parse(fixed.stdout) as { ok: boolean; findings: Array<{ code: string; result: string }> };
  assert.deepEqual(
    out.findings.map((f) => [f.code, f.result]),
    [['lock.stale', 'fixed']],
  );
  assert.equal(existsSync(lockFile), false);

  // the history of the dead run still shows it as running: it never wrote an end
  const history = await fragctl(['dev', 'history', '--json'], { cwd: dir });
  const recs = (JSON.parse(history.stdout) as { records: Array<{ outcome: string; verb: string }> }).records;
  assert.ok(recs.some((r) => r.verb === 'commission' && r.outcome === 'running'));
});

test('a corrupt record file: history shows the readable runs and warns with the line numbers', async () => {
  const dir = copyProject();
  addEnv(dir, 'dev', 'platform: local\nlocal:\n  hosts:\n    - { name: one, address: 127.0.0.1, port: 1, groups: [app] }\n');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(dir, '.fragctl'), { recursive: true });
  const good = {
    id: 'r1',
    env: 'dev',
    platform: 'local',
    verb: 'deploy',
    args: [],
    who: 'a@b',
    commit: 'unknown',
    startedAt: '2026-11-22T04:00:00.000Z',
    endedAt: '2026-11-22T04:01:05.000Z',
    durationMs: 65000,
    outcome: 'succeeded',
    touched: [],
  };
  writeFileSync(join(dir, '.fragctl', 'runs.jsonl'), `${JSON.stringify(good)}\n{"id":"torn\n\u0000\u0000garbage\n`);
  const r = await fragctl(['dev', 'history'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2026-11-22 04:00:00Z\s+deploy\s+succeeded\s+1m05s\s+a@b\s+unknown\s+r1/);
  assert.match(r.stderr, /\.fragctl\/runs\.jsonl: skipped 2 unreadable lines \(2, 3\); the other records are shown/);
});

test('plan on a local environment: the hosts each role would reach, no lock, no record', async () => {
  const dir = copyProject();
  addEnv(dir, 'loc', 'platform: local\nlocal:\n  hosts:\n    - { name: one, address: 127.0.0.1, port: 1, groups: [app, database] }\n');
  const r = await fragctl(['loc', 'plan', '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as {
    platform: string;
    image: unknown;
    stack: unknown;
    roles: Array<{ role: string; hosts: string[] }>;
  };
  assert.equal(plan.platform, 'local');
  assert.equal(plan.stack, null);
  assert.deepEqual(
    plan.roles.map((x) => [x.role, x.hosts]),
    [
      ['database', ['one']],
      ['app', ['one']],
    ],
  );
  assert.equal(existsSync(join(dir, '.fragctl', 'locks', 'loc.json')), false);
  assert.equal(existsSync(join(dir, '.fragctl', 'runs.jsonl')), false);
});
