/**
 * Secrets live in Ansible Vault files. fragctl decrypts playbooks/group_vars/all/vault.yml itself
 * (the database password the stack needs) and hands the same password to Ansible, which reads the
 * vault on its own. Every value learned is registered for redaction before anything else happens.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { registerSecret } from '../redact.js';
import type { Workdir } from '../ansible/workdir.js';
import jsYaml from 'js-yaml';
import { runPasswordScript } from '../../providers/shell/password-script.js';
import { ENV_VARS, envSetting } from '../settings.js';
import { workingDir } from '../environ.js';

export const VAULT_PASSWORD_ENV = ENV_VARS.vaultPassword;
type VaultCtx = Pick<Context, 'project' | 'options'>;

export function vaultFile(ctx: Pick<Context, 'project'>): string {
  return join(ctx.project.paths.playbooks, 'group_vars', 'all', 'vault.yml');
}

function passwordFilePath(ctx: VaultCtx): string | undefined {
  const f = ctx.options.vaultPasswordFile;
  if (!f) return undefined;
  return isAbsolute(f) ? f : resolve(workingDir(), f);
}

/** The vault password, or undefined when none was given. */
export function vaultPassword(ctx: VaultCtx): string | undefined {
  const file = passwordFilePath(ctx);
  let password: string | undefined;
  if (file) {
    if (!existsSync(file)) {
      throw new UserError(`vault password file ${ctx.options.vaultPasswordFile} does not exist`, {
        hint: 'pass --vault-password-file with the file holding the Ansible Vault password, or set FRAGCTL_VAULT_PASSWORD',
        code: 'VAULT_PASSWORD',
      });
    }
    // Like Ansible: an executable password file is a script that prints the password.
    const script = (statSync(file).mode & 0o111) !== 0;
    password = (script ? runPasswordScript(file) : readFileSync(file, 'utf8')).replace(/\r?\n$/, '');
  } else if (envSetting('vaultPassword')) {
    password = envSetting('vaultPassword');
  }
  if (password !== undefined) registerSecret(password);
  return password;
}

const cache = new WeakMap<object, Record<string, string>>();

/** The decrypted vault as flat name → value strings ({} when the project has no vault). */
export async function loadVaultSecrets(ctx: VaultCtx): Promise<Record<string, string>> {
  const hit = cache.get(ctx.project);
  if (hit) return hit;
  const file = vaultFile(ctx);
  if (!existsSync(file)) return {};
  const password = vaultPassword(ctx);
  if (password === undefined) {
    throw new UserError('the Ansible Vault playbooks/group_vars/all/vault.yml needs a password', {
      hint: 'pass --vault-password-file FILE (also FRAGCTL_VAULT_PASSWORD_FILE) or set FRAGCTL_VAULT_PASSWORD',
      code: 'VAULT_PASSWORD',
    });
  }
  const text = readFileSync(file, 'utf8');
  const plain = await decryptVault(text, password);
  const data = parseDecrypted(plain);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(
      `playbooks/group_vars/all/vault.yml decrypts to ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : `a ${typeof data}`}, not a mapping of variables`,
      { hint: EDIT_HINT, code: 'VAULT_INVALID' },
    );
  }
  const out: Record<string, string> = {};
  const visit = (key: string, v: unknown): void => {
    if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) visit(`${key}.${k}`, inner);
      return;
    }
    registerSecret(v);
    if (!key.includes('.')) out[key] = String(v);
  };
  for (const [k, v] of Object.entries(data)) visit(k, v);
  cache.set(ctx.project, out);
  return out;
}

const EDIT_HINT =
  'the decrypted file must be YAML with one `name: value` per variable; fix it with `ansible-vault edit playbooks/group_vars/all/vault.yml`';

/** The decrypted vault as YAML; a syntax error names its line (the text itself is secret and never shown). */
function parseDecrypted(plain: string): unknown {
  if (!plain.trim()) return {};
  try {
    return jsYaml.load(plain);
  } catch (e) {
    const line = (e as { mark?: { line?: number } }).mark?.line;
    const reason = ((e as { reason?: string }).reason ?? 'not valid YAML').split('\n')[0];
    throw new UserError(
      `playbooks/group_vars/all/vault.yml decrypts to text that is not valid YAML${line === undefined ? '' : ` (line ${line + 1})`}: ${reason}`,
      { hint: EDIT_HINT, code: 'VAULT_INVALID' },
    );
  }
}

/** Decrypts an Ansible Vault text (1.1 or 1.2 header); a wrong password is a UserError. */
export async function decryptVault(text: string, password: string): Promise<string> {
  const { Vault } = await import('ansible-vault');
  if (!text.startsWith('$ANSIBLE_VAULT;')) {
    throw new UserError('playbooks/group_vars/all/vault.yml is not encrypted', {
      hint: 'encrypt it: ansible-vault encrypt playbooks/group_vars/all/vault.yml (secrets never stay in clear text)',
      code: 'VAULT_INVALID',
    });
  }
  try {
    const header = text.split('\n', 1)[0]!;
    const id = header.split(';')[3]?.trim();
    const plain = await new Vault({ password }).decrypt(text, id);
    if (plain === undefined) throw new Error('Integrity check failed');
    return plain;
  } catch (e) {
    const msg = (e as Error).message;
    if (/integrity|hmac|bad decrypt/i.test(msg)) {
      throw new UserError('wrong vault password: playbooks/group_vars/all/vault.yml cannot be decrypted', {
        hint: 'check the file passed with --vault-password-file (or FRAGCTL_VAULT_PASSWORD); `ansible-vault view playbooks/group_vars/all/vault.yml` tells the same',
        code: 'VAULT_PASSWORD',
      });
    }
    throw new UserError(`playbooks/group_vars/all/vault.yml is a damaged vault file (${msg.split('\n')[0]})`, {
      hint: 'after the header line ($ANSIBLE_VAULT;1.1;AES256) it must hold only the hex lines ansible-vault wrote; restore it from version control (git checkout -- playbooks/group_vars/all/vault.yml) or re-create it with `ansible-vault create`',
      code: 'VAULT_INVALID',
    });
  }
}

/**
 * The --vault-password-file arguments for Ansible. A password from the environment is never
 * written to disk: a tiny script in the run's workdir prints it from the child's environment.
 */
export function vaultArgs(ctx: VaultCtx, work: Workdir): string[] {
  const file = passwordFilePath(ctx);
  if (file) return ['--vault-password-file', file];
  if (envSetting('vaultPassword')) {
    const script = work.write('vault-pass.sh', `#!/bin/sh\nprintf '%s\\n' "$${VAULT_PASSWORD_ENV}"\n`, 0o700);
    return ['--vault-password-file', script];
  }
  return [];
}
