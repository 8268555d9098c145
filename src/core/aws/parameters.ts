import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { formationOf, type Template } from '../formations/index.js';
import { IMAGE_PARAMETERS, type MappableParameter } from '../config/schema.js';
import { checkParameterValue, type Problem, type TemplateParameter } from './parameter-checks.js';
import { rollingUpdateProblems } from './rolling-values.js';
import { resolveDbPassword } from './secrets.js';
import { asText } from '../text.js';

/** fragctl's stack parameter ← the shared setting that gives it a value. */
export const PARAMETER_SETTINGS: Partial<Record<MappableParameter, string>> = {
  KeyName: 'key_name',
  DbName: 'db_name',
  DbUser: 'db_user',
  DbInstanceClass: 'db_instance_class',
  DbAllocatedStorage: 'db_allocated_storage',
  AppInstanceType: 'app_instance_type',
  KnowledgeInstanceType: 'knowledge_instance_type',
  BrokerInstanceType: 'broker_instance_type',
  WorkerInstanceType: 'worker_instance_type',
  AppServerMode: 'app_server_mode',
  AppMinSize: 'app_min_size',
  AppMaxSize: 'app_max_size',
  AppDesiredCapacity: 'app_desired_capacity',
  EnableWorkers: 'enable_workers',
  WorkerDesiredCapacity: 'worker_desired_capacity',
};

/** Parameters the environment template must declare (under the project's names). */
const REQUIRED: MappableParameter[] = ['App', 'Env', 'KeyName', 'ImageId'];
/** A value that passes the AMI format check, used before the real image is known. */
export const PLACEHOLDER_IMAGE = 'ami-00000000';

export function templateParameters(template: Template): Record<string, TemplateParameter> {
  return (template.Parameters as Record<string, TemplateParameter> | undefined) ?? {};
}

export function noEchoParameters(template: Template): string[] {
  return Object.entries(templateParameters(template))
    .filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true')
    .map(([k]) => k);
}

/** The template's name for one of fragctl's parameters (`formation_parameters:`, else the same name). */
export function parameterName(ctx: Context, name: MappableParameter): string {
  return ctx.env.settings.formation_parameters?.[name] ?? name;
}

/** The image a stack runs, read from its parameters under the project's name for ImageId. */
export function stackImageId(ctx: Context, parameters: Record<string, string>): string | undefined {
  return parameters[parameterName(ctx, 'ImageId')];
}

/** Where a setting is written: the environment file when it overrides it, else group_vars/all.yml; undefined for a default. */
export function settingSource(ctx: Context, key: string): string | undefined {
  if (ctx.env.overrides && key in ctx.env.overrides) return ctx.env.file ?? 'the environment file';
  if (key in ctx.project.sharedRaw) return 'playbooks/group_vars/all.yml';
  return undefined;
}

interface Offer {
  value: string;
  source: string;
}

/**
 * The stack's parameters. A parameter is passed only when the template declares it and fragctl
 * has a value: its own (application, environment, image, key name, database password) or a
 * setting written in group_vars/all.yml or the environment file. A declared parameter without a
 * value keeps its Default. Every value (and every Default) is checked against the parameter's
 * type and constraints before anything is created; each problem names the parameter, the value
 * and where it came from.
 */
export async function buildParameters(
  ctx: Context,
  template: Template,
  imageId: string,
  opts: { secrets?: boolean } = {},
): Promise<Record<string, string>> {
  const declared = templateParameters(template);
  const mapped = (ctx.env.settings.formation_parameters ?? {}) as Partial<Record<string, string>>;
  const mapSource = settingSource(ctx, 'formation_parameters') ?? 'playbooks/group_vars/all.yml';
  const problems: Problem[] = [];
  const offers = new Map<string, Offer>();
  const settings = ctx.env.settings as Record<string, unknown>;

  for (const [name, target] of Object.entries(mapped)) {
    if (target && !declared[target] && !IMAGE_PARAMETERS.includes(name as MappableParameter))
      problems.push({
        message: `formation_parameters.${name} in ${mapSource} maps to ${target}, which no formation declares`,
        hint: `declared parameters: ${Object.keys(declared).sort().join(', ')}; fix formation_parameters.${name} in ${mapSource}`,
      });
  }
  const offer = (name: MappableParameter, value: unknown, source: string, setting?: string): void => {
    const param = parameterName(ctx, name);
    if (declared[param]) offers.set(param, { value: String(value), source });
    else if (REQUIRED.includes(name) && !mapped[name]) {
      problems.push({
        message: `the template does not declare parameter ${param}, which fragctl always passes (${source})`,
        hint: `declare ${param} in a formation, or name the template's own parameter with formation_parameters: { ${name}: <name> } in playbooks/group_vars/all.yml`,
      });
    } else if (setting && !mapped[name]) {
      problems.push({
        message: `setting ${setting} maps to stack parameter ${param}, which no formation declares (${source})`,
        hint: `declare ${param} in a formation, or remove ${setting}`,
      });
    }
  };
  offer('App', ctx.env.settings.app_name, `app_name in ${settingSource(ctx, 'app_name') ?? 'playbooks/group_vars/all.yml'}`);
  offer('Env', ctx.env.name, 'the environment name');
  offer('ImageId', imageId, imageId === PLACEHOLDER_IMAGE ? 'the image to bake' : 'the image');
  offer(
    'KeyName',
    ctx.env.settings.key_name,
    `key_name ${settingSource(ctx, 'key_name') ? `in ${settingSource(ctx, 'key_name')}` : "(fragctl's default)"}`,
  );
  for (const [name, setting] of Object.entries(PARAMETER_SETTINGS) as Array<[MappableParameter, string]>) {
    const source = settingSource(ctx, setting);
    if (name !== 'KeyName' && source && settings[setting] !== undefined)
      offer(name, settings[setting], `setting ${setting} in ${source}`, setting);
  }
  const secret = parameterName(ctx, 'DbPassword');
  for (const [name, p] of Object.entries(declared)) {
    const offered = offers.get(name);
    if (offered) {
      const problem = checkParameterValue(name, p, offered.value, offered.source, formationOf(template, 'Parameters', name));
      if (problem) problems.push(problem);
    } else if (p.Default !== undefined) {
      const file = formationOf(template, 'Parameters', name);
      const problem = checkParameterValue(name, p, asText(p.Default), `its Default in ${file ?? 'the template'}`, file);
      if (problem) problems.push(problem);
    } else if (name !== secret) problems.push(missingValue(ctx, name, formationOf(template, 'Parameters', name)));
  }
  problems.push(
    ...rollingUpdateProblems(template, (name) => {
      const offered = offers.get(name);
      if (offered) return offered;
      const d = declared[name]?.Default;
      return d === undefined
        ? undefined
        : { value: asText(d), source: `its Default in ${formationOf(template, 'Parameters', name) ?? 'the template'}` };
    }),
  );
  const [first, ...rest] = problems;
  if (first) {
    throw new UserError(first.message, {
      details: rest.map((p) => p.message),
      hint: first.hint ?? 'see "Stack parameters" in docs/aws.md',
      code: 'PARAMETER_INVALID',
    });
  }
  const values = Object.fromEntries([...offers].map(([k, o]) => [k, o.value]));
  if (declared[secret] && opts.secrets !== false) {
    values[secret] = await resolveDbPassword(ctx);
    const problem = checkParameterValue(
      secret,
      declared[secret],
      values[secret],
      'the database password (vault_db_password, or FRAGCTL_DB_PASSWORD)',
      formationOf(template, 'Parameters', secret),
    );
    if (problem)
      throw new UserError(problem.message, {
        hint: 'change vault_db_password with `ansible-vault edit playbooks/group_vars/all/vault.yml`',
        code: 'PARAMETER_INVALID',
      });
  }
  return values;
}

function missingValue(ctx: Context, name: string, file: string | undefined): Problem {
  const mapped = Object.entries((ctx.env.settings.formation_parameters ?? {}) as Record<string, string>).find(([, t]) => t === name)?.[0];
  const setting = PARAMETER_SETTINGS[(mapped ?? name) as MappableParameter];
  const where = `playbooks/group_vars/all.yml or the settings: block of ${ctx.env.file ?? `environments/${ctx.env.name}.yml`}`;
  const message = `template parameter ${name} (${file ?? 'the template'}) has no Default and no value`;
  return setting
    ? { message, hint: `set ${setting} in ${where}` }
    : {
        message,
        hint: `give it a Default in ${file ?? 'its formation'}, or map one of fragctl's parameters to it with formation_parameters in playbooks/group_vars/all.yml`,
      };
}

/** Tags on the stack itself; CloudFormation copies them to every resource that takes tags. */
export function stackTags(ctx: Context): Record<string, string> {
  return { App: ctx.env.settings.app_name, Env: ctx.env.name };
}
