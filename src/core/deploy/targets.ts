/**
 * What a deploy runs on: the hosts (AWS instances by tag, or a local environment's hosts), the
 * playbook per role in `deploy_order`, and the variables. Shared by deploy, plan and run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnsibleHost } from '../ansible/types.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { stackName } from '../names.js';
import { findInstances } from '../hosts/aws-hosts.js';
import { localHosts } from '../hosts/local-hosts.js';
import { describeInstances, stackOutputs, type InstanceFacts } from '../../providers/aws/ec2-hosts.js';
import { contractViolations } from './contract.js';
import { refuseEmulatorAddresses, toAnsibleHosts, unreachableByConfig } from './connection.js';
import { playbookVars } from './vars.js';
import { readPlaybook } from '../ansible/plays.js';

export interface DeployTargets {
  hosts: AnsibleHost[];
  vars: Record<string, unknown>;
  outputs?: Record<string, string>;
  /** For the database group when the database is RDS: the app host the database role runs from. */
  notes: string[];
}

export function rolePlaybook(role: string): string {
  return `${role}.yml`;
}

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
  if (ctx.env.platform === 'local') {
    const targets = await roleTargets(ctx, known);
    return known.filter((r) => (targets.get(r) ?? [r]).some((g) => present.has(g)));
  }
  // On AWS the settings say which groups exist; a missing one is a contract violation, not a skip.
  const workers = ctx.env.settings.enable_workers;
  return known.filter((r) => workers || (r !== 'broker' && r !== 'worker'));
}

/** plan: nothing connects, so emulator hosts and an environment not created yet are fine. */
export interface ResolveOptions {
  forPlan?: boolean;
}

export async function resolveTargets(ctx: Context, opts: ResolveOptions = {}): Promise<DeployTargets & { instances?: InstanceFacts[] }> {
  if (ctx.env.platform === 'local') {
    const hosts = await localHosts(ctx);
    return { hosts, vars: playbookVars(ctx, undefined), notes: [] };
  }
  if (ctx.env.platform !== 'aws') throw new UserError(`${ctx.env.name} is not an AWS or local environment`, { code: 'USAGE' });
  if (!opts.forPlan) refuseEmulatorAddresses(ctx);
  const app = ctx.env.settings.app_name;
  const stack = stackName(app, ctx.env.name);
  const [tagged, ofStack, outputs] = await Promise.all([
    findInstances(ctx),
    describeInstances(ctx.aws, { tags: { 'aws:cloudformation:stack-name': [stack] } }),
    stackOutputs(ctx.aws, stack),
  ]);
  const byId = new Map(tagged.map((i) => [i.instanceId, i]));
  for (const i of ofStack) if (!byId.has(i.instanceId)) byId.set(i.instanceId, i);
  const instances = [...byId.values()];
  if (instances.length === 0 && !opts.forPlan) {
    throw new UserError(`environment ${ctx.env.name} has no hosts: no instance is tagged App=${app}, Env=${ctx.env.name}`, {
      hint: `create it first (fragctl ${ctx.env.name} create), or check the region and endpoint`,
      code: 'NO_HOSTS',
    });
  }
  const vars = playbookVars(ctx, outputs);
  const hosts = toAnsibleHosts(ctx, instances, outputs ? { stack_outputs: outputs } : {});
  const notes: string[] = [];
  if (outputs?.DatabaseEndpoint && !hosts.some((h) => h.groups.includes('database'))) {
    notes.push(`the database is RDS (${outputs.DatabaseEndpoint}); playbooks/database.yml prepares it from an app host`);
  }
  return { hosts, vars, outputs, notes, instances };
}

/** The groups each role's playbook targets (its plays' hosts: patterns). */
export async function roleTargets(ctx: Context, roles: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const r of roles) out.set(r, (await readPlaybook(join(ctx.project.paths.playbooks, rolePlaybook(r)))).groups);
  return out;
}

export function hostsOf(hosts: AnsibleHost[], groups: string[]): string[] {
  return hosts.filter((h) => [...h.groups, ...(h.compatGroups ?? [])].some((g) => groups.includes(g))).map((h) => h.name);
}

/** Fails with every broken rule at once, naming the instances. */
export function checkContract(ctx: Context, t: DeployTargets & { instances?: InstanceFacts[] }, targets: Map<string, string[]>): void {
  // Groups the inventory has anyway (ec2.py's tag_Name_… and the like) need no Group tag.
  const inInventory = new Set(t.hosts.flatMap((h) => h.compatGroups ?? []));
  const groups = [...new Set([...targets.values()].flat())].filter((g) => !inInventory.has(g));
  const problems = t.instances
    ? [...contractViolations(ctx.env.settings.app_name, ctx.env.name, t.instances, groups), ...unreachableByConfig(ctx, t.hosts)]
    : groups.filter((g) => !t.hosts.some((h) => h.groups.includes(g))).map((g) => `group ${g} has no hosts`);
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
