/**
 * `undeploy`: delete the stack's namespace after the operator types its name, keeping the data:
 * the volumes of its claims are set to Retain first (keep-volumes.ts), unless --delete-data.
 * A protected environment also needs --force-protected.
 */
import type { Context } from '../context.js';
import { DeclinedError, OperationError, UserError } from '../errors.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { resolveStack } from './stack.js';
import { watchUntil } from './watch.js';
import { claimedVolumes, describeVolumes, retainVolumes, type ClaimedVolume } from './keep-volumes.js';

export interface UndeployOptions {
  forceProtected?: boolean;
  /** Delete the volumes with the namespace instead of keeping them. */
  deleteData?: boolean;
  timeoutMs?: number;
}

export interface UndeployResult {
  env: string;
  namespace: string;
  deleted: boolean;
  /** --dry-run on a namespace that exists: it would be deleted. */
  wouldDelete?: boolean;
  /** The volumes of its claims: kept (reclaim policy Retain), or left to their policy with --delete-data. */
  volumes: Array<ClaimedVolume & { kept: boolean }>;
}

export async function undeployKube(ctx: Context, o: UndeployOptions = {}): Promise<UndeployResult> {
  const stack = resolveStack(ctx.env);
  if (ctx.env.protected && !o.forceProtected) {
    throw new UserError(`${ctx.env.name} is protected: undeploy would delete namespace ${stack.namespace} and its data`, {
      hint: 'pass --force-protected if you really mean it',
      code: 'ENV_PROTECTED',
    });
  }
  const api = await connectKube(ctx);
  const ns = await managedNamespace(api, stack);
  if (!ns) return { env: stack.env, namespace: stack.namespace, deleted: false, volumes: [] };
  const claimed = await claimedVolumes(api, stack.namespace);
  const volumes = claimed.map((v) => ({ ...v, kept: !o.deleteData || v.policy === 'Retain' }));
  if (ctx.options.dryRun) return { env: stack.env, namespace: stack.namespace, deleted: false, wouldDelete: true, volumes };
  const data = !claimed.length
    ? 'It has no volumes.'
    : o.deleteData
      ? `Its volumes are DELETED with it (--delete-data): ${describeVolumes(claimed)}.`
      : `Its volumes are kept (reclaim policy Retain): ${describeVolumes(claimed)}.`;
  const ok = await ctx.io.confirm({
    message: `Delete namespace ${stack.namespace} of ${ctx.env.name} with everything in it? ${data}`,
    typeToConfirm: stack.namespace,
  });
  if (!ok)
    throw new DeclinedError('undeploy cancelled: nothing was deleted', {
      hint: `type ${stack.namespace} exactly to confirm`,
      code: 'DECLINED',
    });
  if (!o.deleteData) await retainVolumes(ctx, api, stack.namespace, claimed);
  const progress = ctx.io.progress(`deleting namespace ${stack.namespace}`);
  await api.delete('Namespace', stack.namespace);
  const gone = await watchUntil(ctx, api, 'Namespace', undefined, stack.namespace, o.timeoutMs ?? 5 * 60_000, (obj) => obj === undefined);
  touched(ctx, api, {
    platform: 'kubernetes',
    namespace: stack.namespace,
    deleted: [{ kind: 'Namespace', name: stack.namespace }],
    volumes: volumes.map((v) => ({ claim: v.claim, volume: v.volume, kept: v.kept })),
  });
  if (!gone.done) {
    progress.fail(`namespace ${stack.namespace} is still terminating`);
    throw new OperationError(`namespace ${stack.namespace} was not gone in time (still Terminating)`, {
      hint: `kubectl get ns ${stack.namespace} -o yaml shows what holds it (finalizers)`,
      code: 'KUBE_NAMESPACE_TERMINATING',
    });
  }
  progress.succeed(`namespace ${stack.namespace} deleted`);
  return { env: stack.env, namespace: stack.namespace, deleted: true, volumes };
}
