import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRecordStore } from '../../../src/core/records/local-store.js';
import { mergeRecords, type RunRecord } from '../../../src/core/records/types.js';
import { newRunId, redactArgs, gitCommit } from '../../../src/core/records/origin.js';
import { clearSecrets, registerSecret } from '../../../src/core/redact.js';

const rec = (over: Partial<RunRecord>): RunRecord => ({
  id: newRunId(),
  env: 'dev',
  platform: 'local',
  verb: 'deploy',
  args: [],
  who: 'a@b',
  commit: 'unknown',
  startedAt: new Date().toISOString(),
  outcome: 'running',
  touched: [],
  ...over,
});

test('a run written at start and at end reads back once, finished, newest first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-records-'));
  const store = new LocalRecordStore(join(dir, '.fragctl', 'runs.jsonl'), dir);
  assert.equal(store.location, join('.fragctl', 'runs.jsonl'));
  const a = rec({ startedAt: '2026-01-01T00:00:00.000Z' });
  const b = rec({ startedAt: '2026-01-02T00:00:00.000Z', env: 'other' });
  await store.put(a);
  await store.put(b);
  await store.put({ ...a, outcome: 'succeeded', durationMs: 5 });
  const all = await store.list(undefined, 10);
  assert.deepEqual(
    all.records.map((r) => [r.env, r.outcome]),
    [
      ['other', 'running'],
      ['dev', 'succeeded'],
    ],
  );
  const dev = await store.list('dev', 10);
  assert.equal(dev.records.length, 1);
  assert.equal(dev.warnings.length, 0);
  assert.equal(
    readFileSync(join(dir, '.fragctl', 'runs.jsonl'), 'utf8')
      .trim()
      .split('\n').length,
    3,
  );
});

test('a corrupt record file: unreadable lines are skipped and named, the rest is shown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-records-'));
  const file = join(dir, 'runs.jsonl');
  const store = new LocalRecordStore(file, dir);
  await store.put(rec({ id: 'one' }));
  appendFileSync(file, '{"id": "torn", "env": "dev"\nnot json at all\n{"hello": 1}\n');
  await store.put(rec({ id: 'two' }));
  const got = await store.list('dev', 10);
  assert.deepEqual(got.records.map((r) => r.id).sort(), ['one', 'two']);
  assert.equal(got.warnings.length, 1);
  assert.match(got.warnings[0]!, /runs\.jsonl: skipped 3 unreadable lines \(2, 3, 4\)/);
});

test('mergeRecords keeps a finished record over a running one whatever the order, and limits', () => {
  const r = rec({ id: 'x' });
  const done = { ...r, outcome: 'failed' as const };
  assert.equal(mergeRecords([[done], [r]], 5)[0]!.outcome, 'failed');
  assert.equal(mergeRecords([[r], [done]], 5)[0]!.outcome, 'failed');
  const many = Array.from({ length: 5 }, (_, i) => rec({ id: `r${i}`, startedAt: `2026-01-0${i + 1}T00:00:00.000Z` }));
  assert.deepEqual(
    mergeRecords([many], 2).map((m) => m.id),
    ['r4', 'r3'],
  );
});

test('arguments are recorded with secrets masked', () => {
  clearSecrets();
  registerSecret('hunter2-secret');
  const out = redactArgs(['staging', 'deploy', '--extra', 'pw=hunter2-secret', 'db_password=abc', '--api-token', 'xyz', '--tag', 'v1']);
  assert.deepEqual(out, ['staging', 'deploy', '--extra', 'pw=********', 'db_password=********', '--api-token', '********', '--tag', 'v1']);
  clearSecrets();
});

test('the commit is the git HEAD of the project, or unknown outside a repository', () => {
  assert.match(gitCommit(join(import.meta.dirname, '..', '..', '..')), /^[0-9a-f]{40}(\+dirty)?$/);
  assert.equal(gitCommit(mkdtempSync(join(tmpdir(), 'fragctl-nogit-'))), 'unknown');
  assert.match(newRunId(new Date('2026-11-22T04:50:01.123Z')), /^20261122T045001Z-[0-9a-f]{6}$/);
});

test('after a torn last line and corrupt lines, every record appended afterwards parses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-records-'));
  const file = join(dir, 'runs.jsonl');
  const store = new LocalRecordStore(file, dir);
  await store.put(rec({ id: 'one', startedAt: '2026-01-01T00:00:00.000Z' }));
  await store.put(rec({ id: 'two', startedAt: '2026-01-02T00:00:00.000Z' }));
  // a killed writer: garbage, then a record cut in the middle, no newline at the end
  appendFileSync(file, 'garbage line\n{"id": "torn", "env": "dev", "verb": "ba');
  const fresh = ['three', 'four'].map((id, i) => rec({ id, startedAt: `2026-01-0${i + 3}T00:00:00.000Z` }));
  for (const r of fresh) {
    await store.put(r);
    await store.put({ ...r, outcome: 'succeeded' });
  }
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const parsed = lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as RunRecord];
    } catch {
      return [];
    }
  });
  // 2 old + 4 new lines parse; the garbage and the torn line stay two unreadable lines of their own
  assert.equal(parsed.length, 6);
  assert.equal(lines.length - parsed.length, 2);
  const got = await store.list('dev', 10);
  assert.deepEqual(
    got.records.map((r) => `${r.id}:${r.outcome}`),
    ['four:succeeded', 'three:succeeded', 'two:running', 'one:running'],
  );
  assert.match(got.warnings[0]!, /skipped 2 unreadable lines \(3, 4\)/);
});
