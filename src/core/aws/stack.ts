import type { Context } from '../context.js';
import { stackName } from '../names.js';
import { buildTemplate, serializeTemplate, type FormationSelection, type Template } from '../formations/index.js';
import type { Stack } from '../../providers/aws/cloudformation.js';

export const envStackName = (ctx: Context): string => stackName(ctx.env.settings.app_name, ctx.env.name);

export interface DesiredStack {
  template: Template;
  body: string;
}

/** The `formations:` list of the environment's settings, and the file it is written in. */
export function formationSelection(ctx: Context): FormationSelection {
  const fromEnv = ctx.env.overrides?.formations !== undefined;
  return { list: ctx.env.settings.formations, source: fromEnv && ctx.env.file ? ctx.env.file : 'playbooks/group_vars/all.yml' };
}

export function desiredTemplate(ctx: Context): DesiredStack {
  const template = buildTemplate(ctx.project.paths.dir, formationSelection(ctx));
  return { template, body: serializeTemplate(template, 'json') };
}

export function outputsOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '?', o.OutputValue ?? '']));
}

export function parametersOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries((stack?.Parameters ?? []).map((p) => [p.ParameterKey ?? '?', p.ParameterValue ?? '']));
}

/** Same template (as parsed JSON/YAML) and same non-secret parameters. */
export function sameDeployment(
  currentBody: string,
  desired: DesiredStack,
  current: Record<string, string>,
  wanted: Record<string, string>,
  secret: string[],
): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(currentBody);
  } catch {
    return false; // a YAML body was not written by fragctl: let the change set decide
  }
  if (canonical(parsed) !== canonical(JSON.parse(desired.body))) return false;
  const keys = new Set([...Object.keys(current), ...Object.keys(wanted)]);
  for (const k of keys) {
    if (secret.includes(k)) continue;
    if (wanted[k] === undefined) continue; // a template default CloudFormation filled in
    if (current[k] !== wanted[k]) return false;
  }
  return true;
}

/** JSON with sorted keys: the same template compares equal whatever order a service returns it in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
