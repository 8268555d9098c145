/**
 * Waiting on one object with a watch: follow its changes (from the version of `initial` when the
 * caller has just written it, else from a list) until `check` says done, the time is up, or the run
 * is interrupted. A watch the server ends or drops is resumed from the last version seen
 * (bookmarks included); after a 410 Gone the object is listed again (providers/kube/follow.ts).
 */
import type { KubeClient } from '../../providers/kube/client.js';
import { follow } from '../../providers/kube/follow.js';
import type { KubeKind, KubeObject } from '../../providers/kube/resources.js';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';

export interface WatchResult {
  done: boolean;
  /** The last state seen (undefined when the object does not exist). */
  object?: KubeObject;
}

export async function watchUntil(
  ctx: Context,
  api: KubeClient,
  kind: KubeKind,
  namespace: string | undefined,
  name: string,
  timeoutMs: number,
  check: (obj: KubeObject | undefined) => boolean,
  /** The object as just written (an apply's answer): saves the first read. */
  initial?: KubeObject,
): Promise<WatchResult> {
  const deadline = Date.now() + timeoutMs;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeout.signal]);
  let obj = initial;
  try {
    if (initial && check(initial)) return { done: true, object: initial };
    const options = {
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: initial?.metadata.resourceVersion,
      timeoutSeconds: () => Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
    };
    for await (const ev of follow(api, kind, namespace, options, signal)) {
      if (ev.type === 'LISTED') obj = ev.items.find((i) => i.metadata.name === name);
      else obj = ev.type === 'DELETED' ? undefined : ev.object;
      if (check(obj)) return { done: true, object: obj };
    }
    return { done: false, object: obj };
  } finally {
    clearTimeout(timer);
  }
}

/** "90s", "5m", "1h", "500ms" or plain seconds. */
export function parseDuration(text: string, what = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UserError(`${what}: "${text}" is not a duration`, { hint: 'use e.g. 90s, 5m, 1h or 500ms', code: 'USAGE' });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}
