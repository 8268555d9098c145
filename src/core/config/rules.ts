/**
 * The rules stage of configuration: parse (YAML) → normalize (the schema, with defaults) →
 * validate (here). Rules that span settings are checked in one place, as soon as an environment
 * loads, and every broken rule is reported at once with its file and dotted path.
 */
import type { ErrorCode } from '../error-codes.js';
import { UserError } from '../errors.js';
import type { EnvironmentFile, SharedSettings } from './schema.js';

export const SHARED_FILE = 'playbooks/group_vars/all.yml';

export interface RuleIssue {
  /** The file to fix, relative to the project. */
  file: string;
  /** The dotted path of the setting in that file. */
  path: string;
  message: string;
  hint: string;
  code: ErrorCode;
}

export interface RulesInput {
  /** The environment file, relative to the project (environments/qa.yml). */
  file: string;
  envFile: EnvironmentFile;
  /** Shared settings with the environment's overrides applied. */
  settings: SharedSettings;
}

type Rule = (input: RulesInput) => RuleIssue[];

const kubernetesBlock: Rule = ({ file, envFile }) =>
  envFile.platform === 'kubernetes' && !envFile.kubernetes
    ? [
        {
          file,
          path: 'kubernetes',
          message: 'platform: kubernetes needs a kubernetes: mapping',
          hint: `add a "kubernetes:" mapping to ${file} (see environments/dev.yml)`,
          code: 'KUBE_SETTINGS',
        },
      ]
    : [];

const bastion: Rule = ({ file, envFile }) =>
  envFile.platform === 'aws' && envFile.aws.connection === 'bastion' && !envFile.aws.bastion
    ? [
        {
          file,
          path: 'aws.bastion',
          message: 'aws.connection: bastion needs a bastion host',
          hint: `add \`aws: { bastion: { host: bastion.example.com, user: ubuntu } }\` to ${file}`,
          code: 'BASTION_MISSING',
        },
      ]
    : [];

/** AWS refuses an Auto Scaling group whose desired capacity is outside [min, max]; say so before the stack does. */
const appCapacity: Rule = ({ file, envFile, settings }) => {
  if (envFile.platform !== 'aws' || settings.app_server_mode !== 'autoscaling') return [];
  const { app_min_size: min, app_desired_capacity: desired, app_max_size: max } = settings;
  const where = (key: string) => (key in envFile.settings ? { file, path: `settings.${key}` } : { file: SHARED_FILE, path: key });
  const hint = "keep app_min_size ≤ app_desired_capacity ≤ app_max_size (the shared values and the environment's overrides together)";
  const issues: RuleIssue[] = [];
  if (min > max)
    issues.push({
      ...where('app_min_size'),
      message: `app_min_size (${min}) is above app_max_size (${max})`,
      hint,
      code: 'CONFIG_INVALID',
    });
  if (desired < min)
    issues.push({
      ...where('app_desired_capacity'),
      message: `app_desired_capacity (${desired}) is below app_min_size (${min})`,
      hint,
      code: 'CONFIG_INVALID',
    });
  if (desired > max)
    issues.push({
      ...where('app_desired_capacity'),
      message: `app_desired_capacity (${desired}) is above app_max_size (${max})`,
      hint,
      code: 'CONFIG_INVALID',
    });
  return issues;
};

const RULES: Rule[] = [kubernetesBlock, bastion, appCapacity];

/** Every rule the environment breaks (none: an empty list). */
export function environmentRuleIssues(input: RulesInput): RuleIssue[] {
  return RULES.flatMap((rule) => rule(input));
}

/** Throws one error listing every issue: the first as the message, the rest as details. */
export function assertRules(issues: RuleIssue[]): void {
  const [first, ...rest] = issues;
  if (!first) return;
  const line = (i: RuleIssue) => `${i.file}: ${i.path}: ${i.message}`;
  const codes = new Set(issues.map((i) => i.code));
  const hints = [...new Set(issues.map((i) => i.hint))];
  throw new UserError(line(first), {
    details: rest.map(line),
    hint: hints.join('; '),
    code: codes.size === 1 ? first.code : 'CONFIG_INVALID',
  });
}
