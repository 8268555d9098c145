import type { Context } from '../context.js';
import { DeclinedError } from '../errors.js';
import { info } from '../io.js';
import type { Template } from '../formations/index.js';
import { asText } from '../text.js';

export type Capability = 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | 'CAPABILITY_AUTO_EXPAND';

export interface CapabilityNeed {
  capability: Capability;
  /** What in the template needs it, e.g. `AppRole (AWS::IAM::Role)`. */
  because: string[];
}

/** The IAM properties that give a resource a custom name, which CAPABILITY_NAMED_IAM acknowledges. */
const IAM_NAMES = ['RoleName', 'UserName', 'GroupName', 'InstanceProfileName', 'ManagedPolicyName'];

/**
 * The capabilities CloudFormation will ask for when it runs the merged template: IAM resources
 * (CAPABILITY_IAM), IAM resources with custom names (CAPABILITY_NAMED_IAM), and transforms,
 * macros, serverless resources and nested stacks (CAPABILITY_AUTO_EXPAND).
 */
export function requiredCapabilities(template: Template): CapabilityNeed[] {
  const iam: string[] = [];
  const named: string[] = [];
  const expand: string[] = [];
  const transforms = template.Transform === undefined ? [] : Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  for (const t of transforms) expand.push(`Transform ${typeof t === 'string' ? t : JSON.stringify(t)}`);
  const resources = (template.Resources ?? {}) as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
  for (const [id, r] of Object.entries(resources)) {
    const type = asText(r?.Type);
    if (type.startsWith('AWS::IAM::')) {
      iam.push(`${id} (${type})`);
      const name = IAM_NAMES.find((k) => r.Properties?.[k] !== undefined);
      if (name) named.push(`${id} (${type}, ${name})`);
    }
    if (type.startsWith('AWS::Serverless::') || type === 'AWS::CloudFormation::Stack') expand.push(`${id} (${type})`);
  }
  for (const path of macroPaths(template, '')) expand.push(`Fn::Transform at ${path}`);
  const needs: CapabilityNeed[] = [];
  if (iam.length) needs.push({ capability: 'CAPABILITY_IAM', because: iam });
  if (named.length) needs.push({ capability: 'CAPABILITY_NAMED_IAM', because: named });
  if (expand.length) needs.push({ capability: 'CAPABILITY_AUTO_EXPAND', because: expand });
  return needs;
}

function macroPaths(node: unknown, path: string): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n, i) => macroPaths(n, `${path}[${i}]`));
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    k === 'Fn::Transform' ? [path || '/'] : macroPaths(v, path ? `${path}.${k}` : k),
  );
}

/** One line per capability, for the review. */
export function announceCapabilities(ctx: Context, needs: CapabilityNeed[]): void {
  if (!needs.length) return;
  info(
    ctx.io,
    'stack.capabilities',
    ['the template needs these capabilities:', ...needs.map((n) => `  ${n.capability}: ${n.because.join(', ')}`)].join('\n'),
    { capabilities: needs },
  );
}

/**
 * The capabilities the template needs, listed and confirmed before anything receives them.
 * Declining changes nothing.
 */
export async function acknowledge(ctx: Context, stack: string, needs: CapabilityNeed[]): Promise<string[]> {
  if (!needs.length) return [];
  announceCapabilities(ctx, needs);
  if (ctx.options.dryRun) return needs.map((n) => n.capability);
  const list = needs.map((n) => n.capability).join(', ');
  const ok = await ctx.io.confirm({
    message: `acknowledge ${list} for ${stack} (the template creates or names IAM resources or expands macros)?`,
  });
  if (!ok)
    throw new DeclinedError(`declined: ${list} not acknowledged; nothing was changed`, {
      hint: 'review the resources listed above; `--yes` acknowledges them in scripts',
      code: 'CAPABILITIES_DECLINED',
    });
  return needs.map((n) => n.capability);
}
