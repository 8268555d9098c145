import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSecret, redact, redactValue, clearSecrets } from '../../../src/core/redact.js';

test('registered secrets are masked wherever they appear, longest first', () => {
  clearSecrets();
  registerSecret('hunter2-long');
  registerSecret('hunter2-long-er');
  assert.equal(redact('a hunter2-long-er b hunter2-long c'), 'a ******** b ******** c');
  registerSecret('abc'); // too short to mask safely: ignored
  assert.equal(redact('abc'), 'abc');
});

test('redactValue masks secret-looking keys and registered values in nested data', () => {
  clearSecrets();
  registerSecret('p4ssw0rd!');
  const out = redactValue({ args: ['--x', 'p4ssw0rd!'], db_password: 'other', vault_api: 'v', nested: { api_token: 't0ken' }, name: 'ok' });
  assert.deepEqual(out, { args: ['--x', '********'], db_password: '********', vault_api: '********', nested: { api_token: '********' }, name: 'ok' });
});
