/** `rollback`: back to an image from the stack's deploy history (the previous one, or --to REVISION). */
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { changeImage, deployedStack, type ChangeResult } from './change-image.js';
import { readHistory } from './history.js';
import { formatImage, parseImageRef } from './image.js';
import { resolveStack } from './stack.js';
import { DEFAULT_TIMEOUT_MS } from './deploy.js';

export interface RollbackOptions {
  to?: number;
  timeoutMs?: number;
  /** Take fields that another field manager owns (server-side apply with force). */
  forceConflicts?: boolean;
}

export async function rollbackKube(ctx: Context, options: RollbackOptions = {}): Promise<ChangeResult & { toRevision: number }> {
  const stack = resolveStack(ctx.env);
  const current = await deployedStack(ctx, stack);
  const history = await readHistory(current.api, stack.namespace);
  const running = current.image ? formatImage(current.image) : undefined;
  let target;
  if (options.to !== undefined) {
    target = history.find((h) => h.revision === options.to);
    if (!target) {
      throw new UserError(`revision ${options.to} is not in the deploy history of ${stack.env}`, {
        hint: history.length ? `known revisions: ${history.map((h) => h.revision).join(', ')} (fragctl ${stack.env} history)` : 'the history is empty',
        code: 'KUBE_REVISION',
      });
    }
  } else {
    target = [...history].reverse().find((h) => h.image !== running);
    if (!target) {
      throw new UserError(`nothing to roll back to: every revision in the history of ${stack.env} runs ${running ?? 'the current image'}`, {
        hint: `fragctl ${stack.env} history lists the revisions`,
        code: 'KUBE_REVISION',
      });
    }
  }
  const result = await changeImage(ctx, stack, current.api, current, parseImageRef(target.image), {
    verb: 'rollback',
    restart: false,
    wait: true,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    force: options.forceConflicts,
    note: `to revision ${target.revision}`,
  });
  return { ...result, toRevision: target.revision };
}
