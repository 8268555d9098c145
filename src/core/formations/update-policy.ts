import { UserError } from '../errors.js';
import type { Template } from './read.js';

type Body = Record<string, unknown>;

/** A literal number, or a Ref to a parameter's Default; undefined when it can only be known at deploy time. */
function numberOf(value: unknown, template: Template): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (typeof ref === 'string') return numberOf((template.Parameters as Record<string, Body> | undefined)?.[ref]?.Default, template);
  return undefined;
}

/**
 * Autoscaling groups' update policies, checked before anything is sent to AWS: a rolling update
 * needs MinInstancesInService (CloudFormation's default 0 may take every instance out of service
 * at once), it must stay below MaxSize (CloudFormation refuses the update otherwise), and PauseTime
 * is an ISO 8601 duration.
 */
export function checkUpdatePolicies(template: Template, fileOf: (section: string, id: string) => string): void {
  const resources = (template.Resources as Record<string, Body> | undefined) ?? {};
  for (const [id, body] of Object.entries(resources)) {
    if (body.Type !== 'AWS::AutoScaling::AutoScalingGroup' || body.UpdatePolicy === undefined) continue;
    const where = `${fileOf('Resources', id)}: Resources.${id}.UpdatePolicy`;
    const policy = (body.UpdatePolicy ?? {}) as Body;
    const rolling = policy.AutoScalingRollingUpdate as Body | undefined;
    if (!rolling && !policy.AutoScalingReplacingUpdate) {
      throw new UserError(
        `${where} has neither AutoScalingRollingUpdate nor AutoScalingReplacingUpdate: a new image would never reach the group's instances`,
        {
          hint: 'add AutoScalingRollingUpdate with MinInstancesInService, MaxBatchSize and PauseTime (see docs/rolling-updates.md)',
          code: 'UPDATE_POLICY',
        },
      );
    }
    if (!rolling) continue;
    if (rolling.MinInstancesInService === undefined) {
      throw new UserError(
        `${where}.AutoScalingRollingUpdate has no MinInstancesInService: CloudFormation's default 0 lets a rolling update take every instance out of service`,
        {
          hint: 'set MinInstancesInService (e.g. !Ref AppMinSize) and MaxBatchSize: 1',
          code: 'UPDATE_POLICY',
        },
      );
    }
    const min = numberOf(rolling.MinInstancesInService, template);
    const max = numberOf((body.Properties as Body | undefined)?.MaxSize, template);
    if (min !== undefined && max !== undefined && min >= max) {
      throw new UserError(
        `${where}.AutoScalingRollingUpdate: MinInstancesInService (${min}) must be less than the group's MaxSize (${max}), or CloudFormation cannot replace any instance`,
        {
          hint: 'raise MaxSize or lower MinInstancesInService',
          code: 'UPDATE_POLICY',
        },
      );
    }
    const pause = rolling.PauseTime;
    if (typeof pause === 'string' && !/^PT(?=\d)(\d+H)?(\d+M)?(\d+S)?$/.test(pause)) {
      throw new UserError(`${where}.AutoScalingRollingUpdate.PauseTime "${pause}" is not an ISO 8601 duration`, {
        hint: 'e.g. PT5M (5 minutes) or PT1H',
        code: 'UPDATE_POLICY',
      });
    }
  }
}
