/**
 * The tag contract checked before a deploy: every instance of the stack carries Name, App, Env and
 * Group; every group a selected playbook targets has hosts; no host is in a bad state.
 */
import type { InstanceFacts } from '../../providers/aws/ec2-hosts.js';
import { hostName } from '../names.js';

export const REQUIRED_TAGS = ['Name', 'App', 'Env', 'Group'] as const;

export function contractViolations(app: string, env: string, instances: InstanceFacts[], targetGroups: string[]): string[] {
  const problems: string[] = [];
  for (const i of instances) {
    const missing = REQUIRED_TAGS.filter((t) => !i.tags[t]);
    if (missing.length) problems.push(`${i.instanceId} lacks the tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    const wrong: string[] = [];
    if (i.tags.App && i.tags.App !== app) wrong.push(`App=${i.tags.App} (expected ${app})`);
    if (i.tags.Env && i.tags.Env !== env) wrong.push(`Env=${i.tags.Env} (expected ${env})`);
    if (i.tags.Group && i.tags.Name && i.tags.Name !== hostName(app, env, i.tags.Group)) {
      wrong.push(`Name=${i.tags.Name} (expected ${hostName(app, env, i.tags.Group)})`);
    }
    if (wrong.length) problems.push(`${i.instanceId} has ${wrong.join(', ')}`);
    if (i.state !== 'running' && i.state !== 'pending') problems.push(`${i.instanceId} (${i.tags.Group ?? 'no group'}) is ${i.state}`);
  }
  for (const g of targetGroups) {
    if (!instances.some((i) => i.tags.Group === g)) problems.push(`group ${g} has no hosts`);
  }
  return problems;
}
