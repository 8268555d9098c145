/**
 * A watch that lasts: list, then watch from the list's resourceVersion; BOOKMARKs move that version
 * on; a stream the server ends or drops is opened again from the last version seen; a 410 Gone
 * (in the stream, or when opening) means the version is too old: list again and go on from there.
 * This is what client-go's reflector does, for the one or two objects fragctl waits on.
 */
import { backoffMs, DEFAULT_RETRY, sleep } from '../retry.js';
import { KubeApiError, type KubeClient, type ListOptions } from './client.js';
import type { KubeKind, KubeObject } from './resources.js';

export type FollowEvent<T = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  /** The whole current state, after the first list and after each re-list. */
  | { type: 'LISTED'; items: T[] };

export interface FollowOptions extends ListOptions {
  /** Start watching from here instead of listing first (the version of an object just read). */
  resourceVersion?: string;
  /** How long each watch request may last on the server (it is then opened again); asked at each opening. */
  timeoutSeconds?: number | (() => number);
}

export interface FollowStats {
  /** Watches opened again after the server ended or dropped one. */
  reopened: number;
  /** Lists made again after a 410 Gone. */
  relisted: number;
  /** The last resourceVersion seen (events and bookmarks). */
  resourceVersion?: string;
}

export async function* follow<T extends KubeObject = KubeObject>(
  api: KubeClient,
  kind: KubeKind,
  namespace: string | undefined,
  options: FollowOptions,
  signal: AbortSignal,
  stats: FollowStats = { reopened: 0, relisted: 0 },
): AsyncGenerator<FollowEvent<T>> {
  const { resourceVersion, timeoutSeconds, ...selectors } = options;
  const relist = async (): Promise<FollowEvent<T>> => {
    const listed = await api.list<T>(kind, namespace, selectors);
    stats.resourceVersion = listed.resourceVersion;
    return { type: 'LISTED', items: listed.items };
  };
  stats.resourceVersion = resourceVersion;
  if (!stats.resourceVersion) yield await relist();
  let quiet = 0;
  for (let first = true; !signal.aborted; first = false) {
    if (!first) stats.reopened++;
    let events = 0;
    let gone = false;
    try {
      for await (const ev of api.watch<T>(
        kind,
        namespace,
        {
          ...selectors,
          resourceVersion: stats.resourceVersion,
          timeoutSeconds: typeof timeoutSeconds === 'function' ? timeoutSeconds() : timeoutSeconds,
        },
        signal,
      )) {
        events++;
        if (ev.type === 'BOOKMARK') {
          stats.resourceVersion = ev.object.metadata.resourceVersion ?? stats.resourceVersion;
          continue;
        }
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as { code?: number; message?: string; reason?: string };
          if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
            gone = true;
            break;
          }
          throw new KubeApiError(
            status.code ?? 500,
            status.reason ?? 'Error',
            `the watch of ${kind} failed: ${status.message ?? 'unknown error'}`,
            'retry; kubectl get --watch shows the same stream',
            status,
          );
        }
        stats.resourceVersion = ev.object.metadata.resourceVersion ?? stats.resourceVersion;
        yield ev as FollowEvent<T>;
      }
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 410)) throw e;
      gone = true;
    }
    if (signal.aborted) return;
    if (gone) {
      stats.relisted++;
      yield await relist();
      continue;
    }
    // A stream that ends at once again and again (a proxy cutting it): back off a little.
    quiet = events === 0 ? quiet + 1 : 0;
    if (quiet > 1) await sleep(backoffMs(Math.min(quiet, 5), DEFAULT_RETRY), signal, `the watch of ${kind}`).catch(() => undefined);
  }
}
