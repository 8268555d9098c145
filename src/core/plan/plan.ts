/**
 * `plan`: everything a commission, update or deploy would do, without doing it. It composes the
 * areas' own read-only previews, so that plan and the verbs can never disagree:
 * - AWS: whether the image must be baked and why (imageState), the stack's change set or "create"
 *   (previewChanges: the change set it opens is deleted before it returns), the hosts each role
 *   would reach (planDeploy), and with `--ansible-check` Ansible's check-and-diff per role;
 * - Kubernetes: a server-side dry run of the stack (planKube);
 * - local: the hosts each role would reach, and the Ansible check.
 * plan takes no lock and writes no record: it changes nothing.
 */
import type { Context } from '../context.js';
import { info } from '../io.js';
import type { PlanItem } from '../kube/plan.js';
import type { Change, ParameterChange } from '../aws/changes.js';
import type { CapabilityNeed } from '../aws/capabilities.js';

export interface PlanOptions {
  ansibleCheck?: boolean;
  /** Kubernetes: the image or tag a deploy would apply (default: the settings', else the running one). */
  image?: string;
  tag?: string;
}

export interface StackPlan {
  name: string;
  exists: boolean;
  action: 'create' | 'update' | 'unchanged';
  changes: Change[];
  /** Parameters whose value changes (a secret's by its hash, values never shown). */
  parameters: ParameterChange[];
  /** Capabilities the template needs, which update and commission ask the operator to acknowledge. */
  capabilities: CapabilityNeed[];
}

export interface RolePlan {
  role: string;
  playbook: string;
  hosts: string[];
}

export interface AnsibleCheck {
  ok: boolean;
  roles: Array<{ role: string; status: string; hosts: string[] }>;
  hosts: Array<{ name: string; status: string; changed: number; failed: number; unreachable: number }>;
}

export interface PlanResult {
  env: string;
  platform: 'aws' | 'kubernetes' | 'local';
  image: { needsBake: boolean; reason: string; current: { imageId: string; name: string } | null } | null;
  stack: StackPlan | null;
  roles: RolePlan[] | null;
  /** Kubernetes: each object of the stack and what applying it would do. */
  objects: PlanItem[] | null;
  ansibleCheck: AnsibleCheck | null;
  /** AWS: the template checker that ran (null: cfn-lint is not installed) and its warnings. */
  template: { checker: 'cfn-lint' | null; warnings: string[] } | null;
  notes: string[];
}

export async function plan(ctx: Context, opts: PlanOptions = {}): Promise<PlanResult> {
  const result: PlanResult = {
    env: ctx.env.name,
    platform: ctx.env.platform,
    image: null,
    stack: null,
    roles: null,
    objects: null,
    ansibleCheck: null,
    template: null,
    notes: [],
  };
  if (ctx.env.platform === 'kubernetes') {
    const { planKube } = await import('../kube/plan.js');
    result.objects = await planKube(ctx, { image: opts.image, tag: opts.tag });
    const stopped = result.objects.filter((o) => o.action === 'conflict' || o.action === 'invalid');
    if (stopped.some((o) => o.action === 'conflict'))
      result.notes.push('a deploy would stop at the conflicts above (fields another manager owns) unless run with --force-conflicts');
    if (stopped.some((o) => o.action === 'invalid'))
      result.notes.push('a deploy would stop at the invalid objects above before changing anything');
    if (opts.ansibleCheck) result.notes.push('--ansible-check applies to AWS and local environments only');
    return result;
  }
  if (ctx.env.platform === 'aws') {
    const [{ imageState }, { previewChanges }, { envStackName }, { checkTemplate }] = await Promise.all([
      import('../aws/image.js'),
      import('../aws/changes.js'),
      import('../aws/stack.js'),
      import('./template-check.js'),
    ]);
    result.template = await checkTemplate(ctx);
    info(ctx.io, 'plan.image', 'checking whether the image must be baked');
    const image = await imageState(ctx);
    result.image = {
      needsBake: image.needsBake,
      reason: image.reason,
      current: image.current ? { imageId: image.current.imageId, name: image.current.name } : null,
    };
    info(ctx.io, 'plan.stack', 'previewing the stack change set');
    const preview = await previewChanges(ctx);
    result.stack = {
      name: envStackName(ctx),
      exists: preview.stackExists,
      action: !preview.stackExists ? 'create' : preview.changes.length || preview.parameters.length ? 'update' : 'unchanged',
      changes: preview.changes,
      parameters: preview.parameters,
      capabilities: preview.capabilities,
    };
    if (!preview.stackExists) {
      result.notes.push(`the stack ${result.stack.name} does not exist yet: a commission creates it; its hosts are known after that`);
      if (opts.ansibleCheck) result.notes.push('--ansible-check needs hosts: run it once the stack exists');
      return result;
    }
  }
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
