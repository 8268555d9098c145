/**
 * `undeploy`: delete the stack's namespace (and with it everything in it) after the operator
 * types its name. A protected environment also needs --force-protected.
 */
import type { Context } from '../context.js';
import { DeclinedError, OperationError, UserError } from '../errors.js';
import { connectKube, managedNamespace, touched } from './connect.js';
import { resolveStack } from './stack.js';
import { watchUntil } from './watch.js';

export interface UndeployOptions {
  forceProtected?: boolean;
  timeoutMs?: number;
}

export interface UndeployResult {
  env: string;
  namespace: string;
  deleted: boolean;
  /** --dry-run on a namespace that exists: it would be deleted. */
  wouldDelete?: boolean;
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
  if (!ns) return { env: stack.env, namespace: stack.namespace, deleted: false };
  if (ctx.options.dryRun) return { env: stack.env, namespace: stack.namespace, deleted: false, wouldDelete: true };
  const ok = await ctx.io.confirm({
    message: `Delete namespace ${stack.namespace} of ${ctx.env.name} with everything in it (database and media volumes included)?`,
    typeToConfirm: stack.namespace,
  });
  if (!ok)
    throw new DeclinedError('undeploy cancelled: nothing was deleted', {
      hint: `type ${stack.namespace} exactly to confirm`,
      code: 'DECLINED',
    });
  const progress = ctx.io.progress(`deleting namespace ${stack.namespace}`);
  await api.delete('Namespace', stack.namespace);
  const gone = await watchUntil(ctx, api, 'Namespace', undefined, stack.namespace, o.timeoutMs ?? 5 * 60_000, (obj) => obj === undefined);
  touched(ctx, api, { platform: 'kubernetes', namespace: stack.namespace, deleted: [{ kind: 'Namespace', name: stack.namespace }] });
  if (!gone.done) {
    progress.fail(`namespace ${stack.namespace} is still terminating`);
    throw new OperationError(`namespace ${stack.namespace} was not gone in time (still Terminating)`, {
      hint: `kubectl get ns ${stack.namespace} -o yaml shows what holds it (finalizers)`,
      code: 'KUBE_NAMESPACE_TERMINATING',
    });
  }
  progress.succeed(`namespace ${stack.namespace} deleted`);
  return { env: stack.env, namespace: stack.namespace, deleted: true };
}
