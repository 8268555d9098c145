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
  assert.deepEqual(out, {
    args: ['--x', '********'],
    db_password: '********',
    vault_api: '********',
    nested: { api_token: '********' },
    name: 'ok',
  });
});

test('secrets by shape: a URL password and password=/token= values are masked without being registered', () => {
  clearSecrets();
  assert.equal(redact('origin s3://loader:s3cr3t-pw@bucket/prefix?x=1'), 'origin s3://loader:********@bucket/prefix?x=1');
  assert.equal(
    redact('s3://bucket/data?region=eu&password=hunter22&token=abc.def'),
    's3://bucket/data?region=eu&password=********&token=********',
  );
  assert.equal(redact('db_password=x1 api_key=k2 name=ok'), 'db_password=******** api_key=******** name=ok');
  assert.equal(redact('https://example.test/path and user@host:22'), 'https://example.test/path and user@host:22');
});

test('argument secrets are registered by value: masked later in any form', async () => {
  clearSecrets();
  const { registerArgumentSecrets } = await import('../../../src/core/redact.js');
  registerArgumentSecrets([
    'dev',
    'load',
    '--origin',
    's3://bucket/p?password=Pa%24%24word9',
    '--db-password',
    'plainpw9',
    '--vault-password-file',
    '/tmp/pwfile',
  ]);
  assert.equal(redact('echo Pa$$word9 and Pa%24%24word9'), 'echo ******** and ********');
  assert.equal(redact('connecting with plainpw9'), 'connecting with ********');
  assert.equal(redact('reading /tmp/pwfile'), 'reading /tmp/pwfile'); // a file option's value is a path, not a secret
});

test('settings whose keys look secret: their values registered, plain ones named; patterns configurable', async () => {
  clearSecrets();
  const { registerSecretSettings, setSecretKeyPatterns, isSecretKey } = await import('../../../src/core/redact.js');
  const plain = registerSecretSettings({
    db_pass: 'plain-db-pw',
    app_secret_key: 'sk-123456',
    aes_iv: 'aes-value-1',
    vaulted_password: '{{ vault_db_password }}',
    kube_generated_secrets: { 'app-secrets': ['secret-key'] },
    nested: { api_token: 'tok-98765' },
    key_name: 'frag-deploy',
    enable_secret_rotation: true,
  });
  assert.deepEqual(plain.sort(), ['aes_iv', 'app_secret_key', 'db_pass', 'nested.api_token']);
  assert.equal(
    redact('plain-db-pw sk-123456 aes-value-1 tok-98765 secret-key frag-deploy'),
    '******** ******** ******** ******** secret-key frag-deploy',
  );
  assert.ok(isSecretKey('DB_PASSWORD') && isSecretKey('ssh_key') && !isSecretKey('key_name') && !isSecretKey('ssh_user'));
  setSecretKeyPatterns(['*credential*']);
  assert.ok(isSecretKey('smtp_credential') && !isSecretKey('db_pass'));
  setSecretKeyPatterns(undefined);
  assert.ok(isSecretKey('db_pass'));
});
