/**
 * `rollback [--to N]`: release N's manifests re-applied exactly as they were recorded (not today's
 * templates with an old tag), what N did not have pruned, every workload waited for, and a new
 * release recorded. Without --to: the newest release before the current one that was deployed.
 */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { touched } from './connect.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';
import { openStack, requireDeployed } from './release/open.js';
import type { ImageRecord } from './release/record.js';
import { planRendered, type PlanItem } from './plan.js';
import { runRelease } from './release/run.js';
import { restoreSecrets } from './release/secret-values.js';

export interface RollbackOptions {
  to?: number;
  timeoutMs?: number;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
}

export interface RollbackResult {
  env: string;
  namespace: string;
  from: number;
  toRevision: number;
  revision: number;
  image?: string;
  images: ImageRecord[];
  pruned: Array<{ kind: string; name: string }>;
  /** --dry-run: release N's objects against what runs now (deletes are what N did not have); nothing applied. */
  dryRun?: PlanItem[];
}

export async function rollbackKube(ctx: Context, options: RollbackOptions = {}): Promise<RollbackResult> {
  const s = await openStack(ctx);
  const current = requireDeployed(s);
  const known = s.history.map((h) => h.version).join(', ');
  let target;
  if (options.to !== undefined) {
    target = s.history.find((h) => h.version === options.to);
    if (!target) {
      throw new UserError(`release ${options.to} does not exist in the history of ${s.stack.env}`, {
        hint: `known releases: ${known} (fragctl ${s.stack.env} history); nothing was applied`,
        code: 'KUBE_REVISION',
      });
    }
  } else {
    target = [...s.history].reverse().find((h) => h.version < current.version && (h.status === 'superseded' || h.status === 'deployed'));
    if (!target) {
      throw new UserError(`nothing to roll back to: ${s.stack.env} has no deployed release before release ${current.version}`, {
        hint: `fragctl ${s.stack.env} history lists the releases`,
        code: 'KUBE_REVISION',
      });
    }
  }
  // Secret values are not in the record: the ones the cluster holds now (a Secret gone stops here).
  const manifests = await restoreSecrets(ctx, s.api, target.manifests, target.version);
  if (ctx.options.dryRun) {
    const plan = await planRendered(ctx, s, manifests, options.forceConflicts);
    return {
      env: s.stack.env,
      namespace: s.stack.namespace,
      from: current.version,
      toRevision: target.version,
      revision: current.version,
      image: target.image,
      images: target.images,
      pruned: [],
      dryRun: plan,
    };
  }
  const out = await runRelease(ctx, s.api, s.stack, s.history, {
    verb: 'rollback',
    manifests,
    settingsHash: target.settingsHash,
    image: target.image,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    note: `to release ${target.version}`,
    force: options.forceConflicts,
  });
  touched(ctx, s.api, { platform: 'kubernetes', namespace: s.stack.namespace, revision: out.release.version, pruned: out.pruned });
  return {
    env: s.stack.env,
    namespace: s.stack.namespace,
    from: current.version,
    toRevision: target.version,
    revision: out.release.version,
    image: target.image,
    images: out.release.images,
    pruned: out.pruned,
  };
}
