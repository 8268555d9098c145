/** What a deploy would run, role by role, without running anything (used by `plan`). */
import type { Context } from '../context.js';
import { roleTargets, rolePlaybook } from './roles.js';
import { hostsOf, presentGroups, resolveTargets, selectRoles } from './targets.js';

export async function planDeploy(ctx: Context, roles?: string[]): Promise<Array<{ role: string; playbook: string; hosts: string[] }>> {
  const t = await resolveTargets(ctx, { forPlan: true });
  const selected = await selectRoles(ctx, roles, presentGroups(t.hosts));
  const targets = await roleTargets(ctx, selected);
  return selected.map((role) => ({
    role,
    playbook: `playbooks/${rolePlaybook(role)}`,
    hosts: hostsOf(t.hosts, targets.get(role) ?? [role]),
  }));
}
