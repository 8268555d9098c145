/**
 * Rolling updates checked with the values the stack will get: CloudFormation refuses a rolling
 * update whose MinInstancesInService is not below the group's MaxSize, and the merge-time check
 * (formations/update-policy.ts) sees only literals and Defaults. Here each `Ref` is resolved to the
 * value fragctl passes (an environment's setting) or the parameter's Default.
 */
import type { Template } from '../formations/index.js';
import type { Problem } from './parameter-checks.js';

export interface ResolvedValue {
  value: string;
  /** Where the value came from, e.g. `setting app_min_size in environments/prod.yml`. */
  source: string;
}

type Body = Record<string, unknown>;

function resolve(value: unknown, valueOf: (parameter: string) => ResolvedValue | undefined): { n: number; shown: string } | undefined {
  if (typeof value === 'number') return { n: value, shown: String(value) };
  if (typeof value === 'string' && /^\d+$/.test(value)) return { n: Number(value), shown: value };
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (typeof ref !== 'string') return undefined;
  const v = valueOf(ref);
  if (!v || !/^\d+$/.test(v.value)) return undefined;
  return { n: Number(v.value), shown: `${ref} = ${v.value} from ${v.source}` };
}

export function rollingUpdateProblems(template: Template, valueOf: (parameter: string) => ResolvedValue | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const [id, body] of Object.entries((template.Resources as Record<string, Body> | undefined) ?? {})) {
    if (body.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const rolling = (body.UpdatePolicy as Body | undefined)?.AutoScalingRollingUpdate as Body | undefined;
    if (!rolling) continue;
    const min = resolve(rolling.MinInstancesInService, valueOf);
    const max = resolve((body.Properties as Body | undefined)?.MaxSize, valueOf);
    if (min && max && min.n >= max.n)
      problems.push({
        message: `${id}'s rolling update keeps MinInstancesInService (${min.shown}) in service, which is not below the group's MaxSize (${max.shown}): CloudFormation would refuse the update`,
        hint: 'raise the maximum or lower the minimum so that one replacement instance fits (e.g. app_max_size at least app_min_size + 1)',
      });
  }
  return problems;
}
