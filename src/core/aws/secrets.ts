import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { registerSecret } from '../redact.js';
import { loadVaultSecrets } from '../secrets/vault.js';
import { envSetting } from '../settings.js';

/**
 * The database password passed to the stack as a NoEcho parameter: `vault_db_password` from the
 * Ansible Vault (playbooks/group_vars/all/vault.yml). FRAGCTL_DB_PASSWORD overrides it (demo,
 * tests, CI without the vault password). Registered for redaction either way.
 */
export async function resolveDbPassword(ctx: Context): Promise<string> {
  const fromEnv = envSetting('dbPassword');
  if (fromEnv) {
    registerSecret(fromEnv);
    return fromEnv;
  }
  const fromVault = (await loadVaultSecrets(ctx)).vault_db_password;
  if (fromVault) {
    registerSecret(fromVault);
    return fromVault;
  }
  throw new UserError('no database password: vault_db_password is not set', {
    hint: 'add vault_db_password to the Ansible Vault (playbooks/group_vars/all/vault.yml) or set FRAGCTL_DB_PASSWORD',
    code: 'SECRET_MISSING',
  });
}
