import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import type { Template } from '../formations/index.js';
import { resolveDbPassword } from './secrets.js';

/** Template parameter ← shared setting. The ones without a setting are fragctl's own. */
export const PARAMETER_SETTINGS: Record<string, string> = {
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

/** Parameters every environment template must declare. */
const REQUIRED = ['App', 'Env', 'KeyName', 'ImageId'];
export const SECRET_PARAMETERS = ['DbPassword'];

interface TemplateParameter {
  Default?: unknown;
  NoEcho?: boolean | string;
}

export function templateParameters(template: Template): Record<string, TemplateParameter> {
  return (template.Parameters as Record<string, TemplateParameter> | undefined) ?? {};
}

export function noEchoParameters(template: Template): string[] {
  return Object.entries(templateParameters(template))
    .filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true')
    .map(([k]) => k);
}

/**
 * The stack's parameters from the settings. Checked before anything is created:
 * a setting set explicitly (in group_vars or the environment) whose parameter no formation
 * declares, a required parameter missing, or a declared parameter with no default and no value.
 */
export async function buildParameters(ctx: Context, template: Template, imageId: string): Promise<Record<string, string>> {
  const declared = templateParameters(template);
  const { env, project } = ctx;
  const settings = env.settings as Record<string, unknown>;
  const explicit = new Set([...Object.keys(project.sharedRaw), ...Object.keys(envOverrides(ctx))]);
  const problems: string[] = [];
  const values: Record<string, string> = {};

  const offer = (param: string, value: unknown, fromSetting?: string): void => {
    if (declared[param]) values[param] = String(value);
    else if (REQUIRED.includes(param)) problems.push(`the template does not declare parameter ${param}, which fragctl always passes`);
    else if (fromSetting && explicit.has(fromSetting)) {
      problems.push(`setting ${fromSetting} maps to stack parameter ${param}, which no formation declares`);
    }
  };

  offer('App', env.settings.app_name);
  offer('Env', env.name);
  offer('ImageId', imageId);
  for (const [param, setting] of Object.entries(PARAMETER_SETTINGS)) {
    if (settings[setting] !== undefined) offer(param, settings[setting], setting);
  }
  for (const [name, p] of Object.entries(declared)) {
    if (values[name] === undefined && p.Default === undefined && !SECRET_PARAMETERS.includes(name)) {
      problems.push(`template parameter ${name} has no Default and fragctl has no setting for it`);
    }
  }
  const [first, ...rest] = problems;
  if (first) {
    throw new UserError(first, {
      details: rest,
      hint: 'declare the parameter in a formation (Parameters section), or remove the setting; see "Stack parameters" in the README',
      code: 'PARAMETER_UNDECLARED',
    });
  }
  if (declared.DbPassword) values.DbPassword = await resolveDbPassword(ctx);
  return values;
}

function envOverrides(ctx: Context): Record<string, unknown> {
  // The environment's own settings block is what differs from the shared file.
  const shared = ctx.project.shared as Record<string, unknown>;
  const merged = ctx.env.settings as Record<string, unknown>;
  return Object.fromEntries(Object.entries(merged).filter(([k, v]) => JSON.stringify(shared[k]) !== JSON.stringify(v)));
}

/** Tags on the stack itself; CloudFormation copies them to every resource that takes tags. */
export function stackTags(ctx: Context): Record<string, string> {
  return { App: ctx.env.settings.app_name, Env: ctx.env.name };
}
