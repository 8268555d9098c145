/**
 * `plan`: everything a commission, update or deploy would do, without doing it. It composes the
 * areas' own read-only previews, so that plan and the verbs can never disagree. Each platform
 * previews its own part (`plan` of src/core/platforms), then, where there are hosts, the roles:
 * - AWS: whether the image must be baked and why (imageState), the stack's change set or "create"
 *   (previewChanges: the change set it opens is deleted before it returns), the hosts each role
 *   would reach (planDeploy), and with `--ansible-check` Ansible's check-and-diff per role;
 * - Kubernetes: a server-side dry run of the stack (planKube);
 * - local: the hosts each role would reach, and the Ansible check.
 * plan takes no lock and writes no record: it changes nothing.
 */
import type { Context } from '../context.js';
import { info } from '../io.js';
import { platformOf } from '../platforms/index.js';
import type { AnsibleCheck, PlanOptions, PlanResult } from './types.js';

export async function plan(ctx: Context, opts: PlanOptions = {}): Promise<PlanResult> {
  const own = await platformOf(ctx.env).plan(ctx, opts);
  const result: PlanResult = {
    env: ctx.env.name,
    platform: ctx.env.platform,
    image: own.image ?? null,
    stack: own.stack ?? null,
    roles: null,
    objects: own.objects ?? null,
    ansibleCheck: null,
    template: own.template ?? null,
    notes: own.notes,
  };
  if (!own.hosts) return result;
  const { planDeploy } = await import('../deploy/plan.js');
  result.roles = await planDeploy(ctx);
  if (opts.ansibleCheck) result.ansibleCheck = await ansibleCheck(ctx);
  return result;
}

async function ansibleCheck(ctx: Context): Promise<AnsibleCheck> {
  const { deployHosts } = await import('../deploy/deploy.js');
  info(ctx.io, 'plan.ansible-check', 'running Ansible in check mode with --diff (nothing is changed on the hosts)');
  const r = await deployHosts(ctx, { check: true, diff: true });
  return {
    ok: r.ok,
    roles: r.roles.map((x) => ({ role: x.role, status: x.status, hosts: x.hosts })),
    hosts: r.hosts.map((h) => ({ name: h.name, status: h.status, changed: h.changed, failed: h.failed, unreachable: h.unreachable })),
  };
}
