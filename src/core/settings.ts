/**
 * The one place in the core that names fragctl's environment variables (read through the run's
 * environ()). Every variable fragctl reads is
 * named here, so that the rest of the core can be tested with plain arguments and a lint rule can
 * forbid `process.env` elsewhere.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { environ } from './environ.js';

export const ENV_VARS = {
  /** Names the operator explicitly (records, developer stack names). */
  user: 'FRAGCTL_USER',
  /** Overrides the vault's vault_db_password (demo, tests, CI without the vault password). */
  dbPassword: 'FRAGCTL_DB_PASSWORD',
  /** The Ansible Vault password itself, never written to disk. */
  vaultPassword: 'FRAGCTL_VAULT_PASSWORD',
  registryUser: 'FRAGCTL_REGISTRY_USER',
  registryPassword: 'FRAGCTL_REGISTRY_PASSWORD',
  /** A build registry with other credentials than the production one (promote across registries). */
  buildRegistryUser: 'FRAGCTL_BUILD_REGISTRY_USER',
  buildRegistryPassword: 'FRAGCTL_BUILD_REGISTRY_PASSWORD',
} as const;

export type EnvSetting = keyof typeof ENV_VARS;

/** The value of one of fragctl's variables; an empty string counts as unset. */
export function envSetting(name: EnvSetting): string | undefined {
  return environ()[ENV_VARS[name]] || undefined;
}

/**
 * Who runs fragctl: FRAGCTL_USER, else the CI actor who triggered the job (a runner's service user
 * says less), else the login name. One answer for run records, locks and Kubernetes stacks.
 */
export function operator(): string {
  const named = envSetting('user') || environ().GITHUB_ACTOR || environ().USER;
  if (named) return named;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The user's home: the run's HOME (what the tools fragctl starts see), else the account's. */
export function homeDir(): string {
  return environ().HOME || homedir();
}

/**
 * Where fragctl keeps what it may reuse across projects and runs (e.g. cfn-lint's findings by
 * template): `$XDG_CACHE_HOME/fragctl`, else `~/.cache/fragctl`. Deleting it costs only time.
 */
export function userCacheDir(): string {
  return join(environ().XDG_CACHE_HOME || join(homeDir(), '.cache'), 'fragctl');
}
