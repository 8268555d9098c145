/** A role's playbook, and the groups each role's playbook targets. */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { readPlaybook } from '../ansible/plays.js';

export function rolePlaybook(role: string): string {
  return `${role}.yml`;
}

/** The groups each role's playbook targets (its plays' hosts: patterns). */
export async function roleTargets(ctx: Context, roles: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const r of roles) out.set(r, (await readPlaybook(join(ctx.project.paths.playbooks, rolePlaybook(r)))).groups);
  return out;
}
