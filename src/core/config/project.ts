import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sampleFor, settingWarnings } from './aliases.js';
import { registerSecretSettings, setSecretKeyPatterns } from '../redact.js';
import { UserError } from '../errors.js';
import { readYamlFile } from './parse-file.js';
import { EnvironmentFile, NAME_RE, SharedSettings, type KubeSettings } from './schema.js';
import { parseWith } from './schema-errors.js';
import { assertRules, environmentRuleIssues } from './rules.js';
import { checkNameBudget } from '../names.js';
import { workingDir } from '../environ.js';

export interface ProjectPaths {
  dir: string;
  formations: string;
  playbooks: string;
  groupVars: string;
  keys: string;
  environments: string;
  state: string;
}

export interface Project {
  paths: ProjectPaths;
  /** Parsed shared settings (defaults applied). */
  shared: SharedSettings;
  /** The raw group_vars/all.yml mapping, for Ansible's other keys. */
  sharedRaw: Record<string, unknown>;
  /** What the CLI shows as warnings (the core never prints): keys that look like a setting under another name. */
  warnings: string[];
  /** Settings of group_vars/all.yml whose key looks secret, written in plain text (dotted paths); `config` warns. */
  plainSecrets?: string[];
  environmentNames(): string[];
}

export type Platform = 'aws' | 'kubernetes' | 'local';

interface EnvironmentBase {
  name: string;
  protected: boolean;
  description?: string;
  /** Shared settings with this environment's overrides applied. */
  settings: SharedSettings;
  /** The settings block of the environment file as written (what it overrides). */
  overrides?: Record<string, unknown>;
  aws: EnvironmentFile['aws'];
  local?: EnvironmentFile['local'];
  /** The settings file, relative to the project, when there is one. */
  file?: string;
  /** Settings and host variables of the environment file whose key looks secret, in plain text (dotted paths). */
  plainSecrets?: string[];
}

/** An environment, by platform: a Kubernetes one always has its kubernetes settings (the rules stage sees to it). */
export type Environment =
  | (EnvironmentBase & { platform: 'kubernetes'; kubernetes: KubeSettings })
  | (EnvironmentBase & { platform: 'aws' | 'local'; kubernetes?: KubeSettings });

export function projectPaths(dir: string): ProjectPaths {
  const root = resolve(workingDir(), dir);
  return {
    dir: root,
    formations: join(root, 'formations'),
    playbooks: join(root, 'playbooks'),
    groupVars: join(root, 'playbooks', 'group_vars', 'all.yml'),
    keys: join(root, 'keys'),
    environments: join(root, 'environments'),
    state: join(root, '.fragctl'),
  };
}

export function loadProject(dir: string): Project {
  const paths = projectPaths(dir);
  if (!existsSync(paths.dir) || !statSync(paths.dir).isDirectory()) {
    throw new UserError(`project directory ${dir} does not exist`, {
      hint: 'pass --project-dir DIR or run fragctl in your ops repository',
      code: 'CONFIG_MISSING',
    });
  }
  if (!existsSync(paths.groupVars)) {
    const sample = sampleFor(paths.groupVars);
    const rel = sample ? relative(paths.dir, sample) : undefined;
    throw new UserError(`missing playbooks/group_vars/all.yml in ${paths.dir}`, {
      hint: rel
        ? `copy ${rel} to playbooks/group_vars/all.yml and fill it in (cp ${rel} playbooks/group_vars/all.yml)`
        : 'run fragctl in your ops repository (or pass --project-dir); that file holds app_name and the shared settings',
      code: 'CONFIG_MISSING',
    });
  }
  const raw = readYamlFile(paths.groupVars, paths.dir);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError('playbooks/group_vars/all.yml: expected a mapping of settings', { code: 'CONFIG_INVALID' });
  }
  const sharedRaw = raw as Record<string, unknown>;
  if (sharedRaw.app_name === undefined) {
    throw new UserError('playbooks/group_vars/all.yml: app_name is missing', {
      hint: 'add a line such as `app_name: myapp` (lower-case letters, digits and dashes)',
      code: 'CONFIG_INVALID',
    });
  }
  const shared = parseWith(SharedSettings, sharedRaw, 'playbooks/group_vars/all.yml', 'see "Configuration" in docs/configuration.md');
  // Secrets by shape: every value under a secret-looking key is masked wherever it would appear.
  setSecretKeyPatterns(shared.secret_key_patterns);
  const plainSecrets = registerSecretSettings(withoutNames(sharedRaw));
  return {
    paths,
    shared,
    sharedRaw,
    plainSecrets,
    warnings: settingWarnings(sharedRaw, 'playbooks/group_vars/all.yml').map((w) => w.message),
    environmentNames: () => listEnvironmentFiles(paths.environments),
  };
}

/** formation_parameters maps names to names (DbPassword: DBPassword): no secret there. */
function withoutNames(settings: Record<string, unknown>): Record<string, unknown> {
  const { formation_parameters: _names, ...rest } = settings;
  return rest;
}

function listEnvironmentFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function validateEnvName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UserError(`"${name}" is not a valid environment name`, {
      hint: 'use lower-case letters, digits and dashes, starting with a letter (e.g. staging, dev-2)',
      code: 'ENV_NAME',
    });
  }
}

export function loadEnvironment(project: Project, name: string): Environment {
  validateEnvName(name);
  const file = ['yml', 'yaml'].map((ext) => join(project.paths.environments, `${name}.${ext}`)).find(existsSync);
  if (!file) {
    const known = project.environmentNames();
    throw new UserError(`unknown environment "${name}"`, {
      hint: known.length
        ? `known environments: ${known.join(', ')}; to add one, create environments/${name}.yml (it may be empty)`
        : `create environments/${name}.yml (it may be empty: defaults apply)`,
      code: 'ENV_UNKNOWN',
    });
  }
  const rel = file.slice(project.paths.dir.length + 1);
  const raw = readYamlFile(file, project.paths.dir) ?? {};
  const envFile = parseWith(EnvironmentFile, raw, rel, 'see "Environments" in docs/configuration.md');
  const settings = parseWith(
    SharedSettings,
    { ...project.sharedRaw, ...envFile.settings },
    `${rel} (settings)`,
    'an override must keep the type of the shared setting',
  );
  assertRules(environmentRuleIssues({ file: rel, envFile, settings }));
  const base: EnvironmentBase = {
    name,
    protected: envFile.protected,
    description: envFile.description,
    settings,
    overrides: envFile.settings,
    aws: envFile.aws,
    local: envFile.local,
    file: rel,
    plainSecrets: registerSecretSettings({
      settings: withoutNames(envFile.settings),
      local: envFile.local,
      kubernetes: envFile.kubernetes,
    }),
  };
  const env: Environment =
    envFile.platform === 'kubernetes'
      ? // The rules stage above refused a Kubernetes environment without its kubernetes settings.
        { ...base, platform: 'kubernetes', kubernetes: envFile.kubernetes! }
      : { ...base, platform: envFile.platform, kubernetes: envFile.kubernetes };
  if (env.platform === 'aws') checkNameBudget(env.settings.app_name, name);
  return env;
}
