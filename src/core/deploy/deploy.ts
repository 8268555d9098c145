/**
 * `fragctl <env> deploy`: the hosts by tag (or the local environment's hosts), the tag contract,
 * every selected playbook checked (skipped when nothing changed since it last passed), then ONE
 * ansible-playbook run of the roles' playbooks in deploy_order. A role that leaves a host failed
 * or unreachable stops the deploy (Ansible starts no later playbook); the error names the role and the hosts.
 */
import type { Context } from '../context.js';
import { OperationError, UserError } from '../errors.js';
import { info, success, warn } from '../io.js';
import { playbookPath, runPlaybooks, syntaxCheck } from '../ansible/playbook.js';
import type { AnsibleHost, PlayRecap } from '../ansible/types.js';
import { loadVaultSecrets } from '../secrets/vault.js';
import { hostOps } from '../platforms/index.js';
import { roleTargets, rolePlaybook } from './roles.js';
import { checkContract, checkRequestedRoles, hostsOf, presentGroups, resolveTargets, selectRoles } from './targets.js';

export interface DeployOptions {
  roles?: string[];
  limit?: string;
  check?: boolean;
  diff?: boolean;
  tags?: string;
}

export interface HostSummary {
  name: string;
  ec2Name?: string;
  groups: string[];
  status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'not run';
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

/** What a deploy to hosts (AWS or local) did; a Kubernetes deploy returns kube/deploy.ts's KubeDeployResult. */
export interface HostsDeployResult {
  ok: boolean;
  env: string;
  check: boolean;
  roles: Array<{ role: string; playbook: string; hosts: string[]; status: 'ok' | 'failed' | 'not run' }>;
  hosts: HostSummary[];
  notes: string[];
}

/** Deploys by Ansible to the environment's hosts: AWS instances, or the local platform's static or Vagrant hosts. */
export async function deployHosts(ctx: Context, opts: DeployOptions): Promise<HostsDeployResult> {
  checkRequestedRoles(ctx, opts.roles); // a typo in --roles is named before any password or AWS call
  await loadVaultSecrets(ctx); // registers every secret for redaction; a wrong password stops here
  const t = await resolveTargets(ctx);
  const roles = await selectRoles(ctx, opts.roles, presentGroups(t.hosts));
  if (roles.length === 0) {
    throw new UserError(`nothing to deploy on ${ctx.env.name}: no role's group has hosts`, {
      hint: 'check `fragctl <env> hosts` and deploy_order',
      code: 'NO_HOSTS',
    });
  }
  const targets = await roleTargets(ctx, roles);
  checkContract(ctx, t, targets);
  const limit = opts.limit ? translateLimit(t.hosts, opts.limit) : undefined;
  for (const n of t.notes) info(ctx.io, 'deploy.note', n);
  // Ansible renders every play's pattern here: a play that matches no host stops the deploy before anything runs.
  const listed = await syntaxCheck(ctx, roles.map(rolePlaybook), t.hosts, t.vars);
  const hostsOfRole = roles.map((role) => {
    const file = playbookPath(ctx, rolePlaybook(role));
    const fromAnsible = [...new Set(listed.filter((p) => p.playbook === file).flatMap((p) => p.hosts))];
    return fromAnsible.length ? fromAnsible : hostsOf(t.hosts, targets.get(role) ?? [role]);
  });

  const run = await runPlaybooks(ctx, {
    playbooks: roles.map(rolePlaybook),
    hosts: t.hosts,
    vars: t.vars,
    check: opts.check,
    diff: opts.diff,
    tags: opts.tags,
    limit,
    skipSyntaxCheck: true,
    onPlaybookStart: (i) => {
      const n = hostsOfRole[i]?.length ?? 0;
      info(ctx.io, 'deploy.role', `${opts.check ? 'checking' : 'deploying'} ${roles[i]} on ${n} host${n === 1 ? '' : 's'}`);
    },
  });
  const result: HostsDeployResult = {
    ok: run.recap.ok,
    env: ctx.env.name,
    check: !!opts.check,
    roles: roles.map((role, i) => ({
      role,
      playbook: `playbooks/${rolePlaybook(role)}`,
      hosts: hostsOfRole[i]!,
      status: roleStatus(run.perPlaybook[i], i === 0 || !!run.perPlaybook[i - 1]?.ok),
    })),
    hosts: summarize(t.hosts, run.recap),
    notes: t.notes,
  };
  if (!result.ok) {
    const failedRole = result.roles.find((r) => r.status === 'failed');
    const bad = result.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable');
    const names = bad.map((h) => `${h.name}${h.ec2Name ? ` (${h.ec2Name})` : ''} ${h.status}`);
    for (const h of bad) warn(ctx.io, 'deploy.host', `${h.name}: ${h.status}`);
    const notRun = result.roles.filter((r) => r.status === 'not run').map((r) => r.role);
    throw new OperationError(
      `deploy to ${ctx.env.name} failed${failedRole ? ` in role ${failedRole.role}` : ''}: ${names.join(', ') || 'ansible-playbook failed'}`,
      {
        details: [
          ...result.hosts.map(
            (h) =>
              `${h.name.padEnd(22)} ${h.groups.join(',').padEnd(16)} ${h.status.padEnd(12)} ok=${h.ok} changed=${h.changed} failed=${h.failed} unreachable=${h.unreachable}`,
          ),
          ...(notRun.length ? [`not run: ${notRun.join(', ')}`] : []),
        ],
        hint: "see Ansible's output above; fix the host and run deploy again (it is idempotent), or leave it out with --limit",
        code: 'DEPLOY_FAILED',
      },
    );
  }
  if (!opts.check) await hostOps(ctx).afterDeploy?.(ctx, t);
  success(ctx.io, 'deploy.done', `${opts.check ? 'checked' : 'deployed'} ${roles.join(', ')} on ${ctx.env.name}`);
  return result;
}

/** A role's status from its own recap: none means Ansible stopped before it (or failed inside it). */
function roleStatus(recap: PlayRecap | undefined, reached: boolean): HostsDeployResult['roles'][number]['status'] {
  if (recap) return recap.ok ? 'ok' : 'failed';
  return reached ? 'failed' : 'not run';
}

function summarize(hosts: AnsibleHost[], recap: PlayRecap): HostSummary[] {
  return hosts.map((h) => {
    const r = recap.hosts[h.name];
    const status: HostSummary['status'] = !r
      ? 'not run'
      : r.unreachable
        ? 'unreachable'
        : r.failed
          ? 'failed'
          : r.changed
            ? 'changed'
            : 'ok';
    const ec2Name = typeof h.vars?.ec2_name === 'string' && h.vars.ec2_name ? h.vars.ec2_name : undefined;
    return {
      name: h.name,
      ec2Name,
      groups: h.groups,
      status,
      ok: r?.ok ?? 0,
      changed: r?.changed ?? 0,
      failed: r?.failed ?? 0,
      unreachable: r?.unreachable ?? 0,
      skipped: r?.skipped ?? 0,
    };
  });
}

/** --limit accepts Ansible patterns; a Name tag (shared by a group's instances) becomes their IDs. */
export function translateLimit(hosts: AnsibleHost[], limit: string): string {
  return limit
    .split(',')
    .map((part) => {
      const byName = hosts.filter((h) => h.vars?.ec2_name === part).map((h) => h.name);
      if (byName.length) return byName.join(',');
      if (/^[\w.-]+$/.test(part) && !hosts.some((h) => h.name === part || h.groups.includes(part))) {
        throw new UserError(`--limit ${part} matches no host of this environment`, {
          hint: `hosts: ${hosts.map((h) => h.name).join(', ')}`,
          code: 'LIMIT_UNKNOWN',
        });
      }
      return part;
    })
    .join(',');
}
