import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrivateKey } from '../../../src/core/ansible/keys.js';
import { projectPaths } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

describe('SSH private key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-keys-'));
  mkdirSync(join(dir, 'keys'));
  const ctx = { project: { paths: projectPaths(dir) }, env: { settings: { key_name: 'x' } } } as never;
  it('missing', () =>
    assert.throws(
      () => checkPrivateKey(ctx),
      (e: unknown) => e instanceof UserError && e.message === 'missing SSH private key keys/x.pem',
    ));
  it('too open: the exact chmod hint', () => {
    writeFileSync(join(dir, 'keys', 'x.pem'), 'k');
    chmodSync(join(dir, 'keys', 'x.pem'), 0o640);
    assert.throws(
      () => checkPrivateKey(ctx),
      (e: unknown) => e instanceof UserError && e.hint === 'chmod 600 keys/x.pem' && /mode 0640/.test(e.message),
    );
  });
  it('0600 and 0400 pass', () => {
    chmodSync(join(dir, 'keys', 'x.pem'), 0o600);
    assert.equal(checkPrivateKey(ctx), join(dir, 'keys', 'x.pem'));
    chmodSync(join(dir, 'keys', 'x.pem'), 0o400);
    assert.equal(checkPrivateKey(ctx), join(dir, 'keys', 'x.pem'));
  });
});
