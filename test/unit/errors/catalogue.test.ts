import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, PASS_THROUGH_CODES, stackStatusCode } from '../../../src/core/error-codes.js';

const root = join(import.meta.dirname, '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');

/** The rows of docs/errors.md's tables: code → [exit, meaning]. */
function documented(): Map<string, { exit: string; meaning: string }> {
  const rows = new Map<string, { exit: string; meaning: string }>();
  for (const m of doc.matchAll(/^\| `([^`]+)` \| ([^|]+) \| (.+) \|$/gm)) {
    assert.ok(!rows.has(m[1]!), `${m[1]} is listed twice in docs/errors.md`);
    rows.set(m[1]!, { exit: m[2]!.trim(), meaning: m[3]!.trim() });
  }
  return rows;
}

test('docs/errors.md lists exactly the catalogue, with the same meanings and an exit code each', () => {
  const rows = documented();
  const expected = [...Object.keys(ERROR_CODES), ...PASS_THROUGH_CODES].sort();
  assert.deepEqual([...rows.keys()].sort(), expected);
  for (const [code, meaning] of Object.entries(ERROR_CODES)) {
    assert.equal(rows.get(code)!.meaning, meaning, `meaning of ${code}`);
    assert.match(rows.get(code)!.exit, /^(1|2|130)( or (1|2|130))?$/, `exit code of ${code}`);
  }
});

test('every code thrown in src is in the catalogue (the type checks literals; this also catches a code built elsewhere)', () => {
  const used = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/code: '([A-Z][A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
  };
  walk(join(root, 'src'));
  // ECONNRESET is a Node socket error code set on a plain Error, not a FragError code.
  used.delete('ECONNRESET');
  const missing = [...used].filter((c) => !(c in ERROR_CODES));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 100, `found only ${used.size} codes in src`);
});

test('a stack status becomes a STACK_ code; no status, FAILED', () => {
  assert.equal(stackStatusCode('ROLLBACK_COMPLETE'), 'STACK_ROLLBACK_COMPLETE');
  assert.equal(stackStatusCode('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'), 'STACK_UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
  assert.equal(stackStatusCode(undefined), 'FAILED');
  assert.equal(stackStatusCode('weird'), 'FAILED');
});
