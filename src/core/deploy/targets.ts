/**
 * What a deploy runs on: the hosts (AWS instances by tag, or a local environment's hosts), the
 * playbook per role in `deploy_order`, and the variables. Shared by deploy, plan and run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnsibleHost } from '../ansible/types.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { hostOps } from '../platforms/index.js';
import { contractViolations } from './contract.js';
import { unreachableByConfig } from './connection.js';
import { rolePlaybook } from './roles.js';
import type { DeployTargets, ResolveOptions } from './types.js';

/** The roles to run, in deploy_order; an explicit list is checked against the playbooks. */
function knownRoles(ctx: Context): string[] {
  return ctx.env.settings.deploy_order.filter((r) => existsSync(join(ctx.project.paths.playbooks, rolePlaybook(r))));
}

/** Every requested role must have a playbook; checked before anything else is asked or read. */
export function checkRequestedRoles(ctx: Context, requested: string[] | undefined): void {
  for (const r of requested ?? []) {
    if (!existsSync(join(ctx.project.paths.playbooks, rolePlaybook(r)))) {
      throw new UserError(`no playbook knows the group "${r}" (playbooks/${rolePlaybook(r)} is missing)`, {
        hint: `roles with a playbook: ${knownRoles(ctx).join(', ') || 'none'}`,
        code: 'ROLE_UNKNOWN',
      });
    }
  }
}

export async function selectRoles(ctx: Context, requested: string[] | undefined, present: Set<string>): Promise<string[]> {
  const order = ctx.env.settings.deploy_order;
  const known = knownRoles(ctx);
  if (requested?.length) {
    checkRequestedRoles(ctx, requested);
    // Requested roles run in deploy_order; roles outside it run last, as given.
    return [...order.filter((r) => requested.includes(r)), ...requested.filter((r) => !order.includes(r))];
  }
  return hostOps(ctx).defaultRoles(ctx, known, present);
}

/** The hosts and variables of the environment's platform (AWS instances, local hosts). */
export async function resolveTargets(ctx: Context, opts: ResolveOptions = {}): Promise<DeployTargets> {
  return hostOps(ctx).targets(ctx, opts);
}

export function hostsOf(hosts: AnsibleHost[], groups: string[]): string[] {
  return hosts.filter((h) => [...h.groups, ...(h.compatGroups ?? [])].some((g) => groups.includes(g))).map((h) => h.name);
}

/** Fails with every broken rule at once, naming the instances. */
export function checkContract(ctx: Context, t: DeployTargets, targets: Map<string, string[]>): void {
  // Groups the inventory has anyway (ec2.py's tag_Name_… and the like) need no Group tag.
  const inInventory = new Set(t.hosts.flatMap((h) => h.compatGroups ?? []));
  const groups = [...new Set([...targets.values()].flat())].filter((g) => !inInventory.has(g));
  if (!t.instances) {
    // Listed hosts (local): a group the plays name that no listed host is in.
    const empty = groups.filter((g) => !t.hosts.some((h) => h.groups.includes(g)));
    if (empty.length) {
      const have = [...presentGroups(t.hosts)].sort().join(', ') || 'none';
      throw new UserError(`no host of ${ctx.env.name} is in group ${empty.join(', ')}, which the playbooks name`, {
        hint: `add a host with that group under local.hosts in ${ctx.env.file ?? `environments/${ctx.env.name}.yml`}, or fix the play's hosts: line (the hosts' groups: ${have})`,
        code: 'NO_HOSTS',
      });
    }
    return;
  }
  const problems = [
    ...contractViolations(ctx.env.settings.app_name, ctx.env.name, t.instances, groups),
    ...unreachableByConfig(ctx, t.hosts),
  ];
  if (problems.length) {
    throw new UserError(
      `the hosts of ${ctx.env.name} break the tag contract (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
      {
        details: problems,
        hint: 'every instance needs the tags Name=<app>-<env>-<group>, App, Env, Group and a running state; fix the stack (fragctl <env> update) or pick roles with --roles',
        code: 'TAG_CONTRACT',
      },
    );
  }
}

export function presentGroups(hosts: AnsibleHost[]): Set<string> {
  return new Set(hosts.flatMap((h) => h.groups));
}
