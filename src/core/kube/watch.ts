/**
 * Waiting on one object with a watch: read it once, then follow its changes from that version
 * until `check` says done, the time is up, or the run is interrupted. A watch that the server
 * ends (timeoutSeconds, or 410 Gone) is resumed from the last version seen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, type KubeClient, type WatchEvent } from '../../providers/kube/client.js';
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
  try {
    let obj = initial ?? (await api.get(kind, name, namespace));
    if (check(obj)) return { done: true, object: obj };
    let rv = obj?.metadata.resourceVersion;
    while (!signal.aborted) {
      let events = 0;
      const timeoutSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const stream = api.watch(kind, namespace, { fieldSelector: `metadata.name=${name}`, resourceVersion: rv, timeoutSeconds }, signal);
      for await (const ev of resumable(stream)) {
        if (ev.type === 'BOOKMARK') {
          rv = ev.object.metadata.resourceVersion;
          continue;
        }
        if (ev.type === 'ERROR' || ev.type === 'GONE') {
          // 410 Gone: the version is too old; read the object again and watch from there.
          obj = await api.get(kind, name, namespace);
          rv = obj?.metadata.resourceVersion;
          if (check(obj)) return { done: true, object: obj };
          break;
        }
        events++;
        rv = ev.object.metadata.resourceVersion;
        obj = ev.type === 'DELETED' ? undefined : ev.object;
        if (check(obj)) return { done: true, object: obj };
      }
      if (events === 0 && !signal.aborted) await sleep(Math.min(ctx.options.pollIntervalMs, 1000), undefined, { signal }).catch(() => undefined);
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

type Event = WatchEvent | { type: 'GONE'; object: KubeObject };

/** A watch refused with HTTP 410 (version too old) reads as one GONE event, like an in-stream ERROR. */
async function* resumable(stream: AsyncGenerator<WatchEvent>): AsyncGenerator<Event> {
  try {
    yield* stream;
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 410) yield { type: 'GONE', object: { metadata: { name: '' } } };
    else throw e;
  }
}
