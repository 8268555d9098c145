/** Vault compatibility with the real ansible-vault, both ways, and redaction of what is learned. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl, ROOT } from '../../helpers/cli.js';
import { decryptVault, loadVaultSecrets } from '../../../src/core/secrets/vault.js';
import { redact } from '../../../src/core/redact.js';
import { projectPaths } from '../../../src/core/config/project.js';
import { UserError } from '../../../src/core/errors.js';

const ANSIBLE_VAULT = join(ROOT, '.venv', 'bin', 'ansible-vault');
const DEMO_PASSWORD = 'correct horse battery staple';
const PLAIN = 'vault_db_password: "s3cr3t-Db-Pw-4711"\nvault_app_secret_key: k-Very-Secret-998877\nnested:\n  token: nested-Token-123456\n';

function project(): { dir: string; vault: string; pwfile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-vault-'));
  mkdirSync(join(dir, 'playbooks', 'group_vars', 'all'), { recursive: true });
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, 'correct horse battery staple\n', { mode: 0o600 });
  return { dir, vault: join(dir, 'playbooks', 'group_vars', 'all', 'vault.yml'), pwfile };
}

const ctxFor = (dir: string, pwfile?: string) => ({
  project: { paths: projectPaths(dir) } as never,
  options: { vaultPasswordFile: pwfile } as never,
});

describe('Ansible Vault', () => {
  it('decrypts files encrypted by the real ansible-vault (1.1 and 1.2 with a vault id) and registers every value', async () => {
    const { dir, vault, pwfile } = project();
    writeFileSync(vault, PLAIN);
    execFileSync(ANSIBLE_VAULT, ['encrypt', '--vault-password-file', pwfile, vault]);
    assert.match(readFileSync(vault, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const secrets = await loadVaultSecrets(ctxFor(dir, pwfile));
    assert.equal(secrets.vault_db_password, 's3cr3t-Db-Pw-4711');
    assert.equal(secrets.vault_app_secret_key, 'k-Very-Secret-998877');
    assert.equal(redact('pw=s3cr3t-Db-Pw-4711 t=nested-Token-123456 p=correct horse battery staple'), 'pw=******** t=******** p=********');

    const labelled = join(dir, 'labelled.yml');
    writeFileSync(labelled, PLAIN);
    execFileSync(ANSIBLE_VAULT, ['encrypt', '--vault-id', `prod@${pwfile}`, labelled]);
    const text = readFileSync(labelled, 'utf8');
    assert.match(text, /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    assert.equal(await decryptVault(text, 'correct horse battery staple'), PLAIN);
  });

  it('what the npm library encrypts, the real ansible-vault decrypts', async () => {
    const { vault, pwfile } = project();
    const { Vault } = await import('ansible-vault');
    writeFileSync(vault, await new Vault({ password: 'correct horse battery staple' }).encrypt(PLAIN, undefined as unknown as string));
    assert.equal(execFileSync(ANSIBLE_VAULT, ['view', '--vault-password-file', pwfile, vault], { encoding: 'utf8' }), PLAIN);
  });

  it('a wrong password is a UserError with a hint; a missing one too', async () => {
    const { dir, vault, pwfile } = project();
    writeFileSync(vault, PLAIN);
    execFileSync(ANSIBLE_VAULT, ['encrypt', '--vault-password-file', pwfile, vault]);
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'wrong\n');
    await assert.rejects(
      loadVaultSecrets(ctxFor(dir, bad)),
      (e: unknown) => e instanceof UserError && /wrong vault password/.test(e.message) && !!e.hint,
    );
    const saved = process.env.FRAGCTL_VAULT_PASSWORD;
    delete process.env.FRAGCTL_VAULT_PASSWORD;
    try {
      await assert.rejects(loadVaultSecrets(ctxFor(dir)), (e: unknown) => e instanceof UserError && /needs a password/.test(e.message));
    } finally {
      if (saved !== undefined) process.env.FRAGCTL_VAULT_PASSWORD = saved;
    }
  });

  it('an executable password file is run, as Ansible does', async () => {
    const { dir, vault, pwfile } = project();
    writeFileSync(vault, PLAIN);
    execFileSync(ANSIBLE_VAULT, ['encrypt', '--vault-password-file', pwfile, vault]);
    const script = join(dir, 'pw.sh');
    writeFileSync(script, "#!/bin/sh\necho 'correct horse battery staple'\n", { mode: 0o700 });
    assert.equal((await loadVaultSecrets(ctxFor(dir, script))).vault_db_password, 's3cr3t-Db-Pw-4711');
  });

  it('the reference vault opens with the demo password', async () => {
    const secrets = await loadVaultSecrets(ctxFor(ROOT, join(ROOT, 'playbooks', 'demo-vault-password')));
    assert.ok(secrets.vault_db_password && secrets.vault_db_password.length >= 8);
  });

  it('a damaged vault file, and a vault that decrypts to something else than variables: one line naming the file, a hint, exit 2', async () => {
    const { Vault } = await import('ansible-vault');
    const encrypt = async (plain: string) => new Vault({ password: DEMO_PASSWORD }).encrypt(plain, undefined as unknown as string);
    const cases: Array<[string, string | (() => Promise<string>), RegExp, RegExp]> = [
      [
        'hex lines damaged',
        '$ANSIBLE_VAULT;1.1;AES256\nzz-not-hex\n',
        /playbooks\/group_vars\/all\/vault\.yml is a damaged vault file \(/,
        /restore it from version control .* or re-create it with `ansible-vault create`/,
      ],
      [
        'decrypts to a list',
        () => encrypt('- just\n- a list\n'),
        /vault\.yml decrypts to a list, not a mapping of variables/,
        /ansible-vault edit playbooks\/group_vars\/all\/vault\.yml/,
      ],
      [
        'decrypts to broken YAML',
        () => encrypt('vault_db_password: "s3cret-Not-Shown-42\n  : : :\n'),
        /vault\.yml decrypts to text that is not valid YAML \(line \d+\): /,
        /one `name: value` per variable/,
      ],
    ];
    for (const [what, content, message, hint] of cases) {
      const dir = copyProject();
      writeFileSync(join(dir, 'playbooks', 'group_vars', 'all', 'vault.yml'), typeof content === 'string' ? content : await content());
      writeFileSync(
        join(dir, 'environments', 'lab.yml'),
        JSON.stringify({ platform: 'local', local: { hosts: [{ name: 'web1', address: '127.0.0.9', groups: ['app'] }] } }),
      );
      const r = await fragctl(['lab', 'deploy', '--project-dir', dir], { env: { FRAGCTL_VAULT_PASSWORD: DEMO_PASSWORD } });
      assert.equal(r.code, 2, `${what}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.match(lines[0]!, message, what);
      assert.match(r.stderr, hint, what);
      assert.ok(!r.stderr.includes('s3cret-Not-Shown-42') && !r.stdout.includes('s3cret-Not-Shown-42'), `${what}: no vault text shown`);
      assert.doesNotMatch(r.stderr, /run again with -v|BUG/, what);
    }
  });
});
