/**
 * The deploy history of a stack, kept in the cluster (a ConfigMap in the stack's namespace) so that
 * every operator sees the same revisions: what was deployed, by whom, when. One key per revision,
 * added with a merge patch guarded by the ConfigMap's resourceVersion (two operators cannot take
 * the same number).
 */
import { KubeApiError, type KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { OperationError } from '../errors.js';
import { HISTORY_CONFIGMAP, MANAGED_BY, operatorName, type KubeStack } from './stack.js';

export interface HistoryEntry {
  revision: number;
  /** deploy, version-change, rollback, promote. */
  verb: string;
  /** The full image reference applied (repository:tag or repository@digest). */
  image: string;
  tag?: string;
  /** The image digest: what the pods reported, else the pinned one, else the registry's for the tag. */
  digest?: string;
  digestSource?: 'pods' | 'pinned' | 'registry';
  who: string;
  when: string;
  note?: string;
}

const KEEP = 100;
const key = (revision: number): string => `r${String(revision).padStart(6, '0')}`;

function parse(cm: KubeObject | undefined): HistoryEntry[] {
  const data = cm?.data ?? {};
  return Object.keys(data)
    .filter((k) => /^r\d+$/.test(k))
    .map((k) => JSON.parse(data[k]!) as HistoryEntry)
    .sort((a, b) => a.revision - b.revision);
}

export async function readHistory(api: KubeClient, namespace: string): Promise<HistoryEntry[]> {
  return parse(await api.get('ConfigMap', HISTORY_CONFIGMAP, namespace));
}

export async function recordHistory(api: KubeClient, stack: KubeStack, entry: Omit<HistoryEntry, 'revision' | 'who' | 'when'>): Promise<HistoryEntry> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cm = await api.get('ConfigMap', HISTORY_CONFIGMAP, stack.namespace);
    const entries = parse(cm);
    const full: HistoryEntry = {
      revision: (entries.at(-1)?.revision ?? 0) + 1,
      ...entry,
      who: operatorName(stack.settings),
      when: new Date().toISOString(),
    };
    const data: Record<string, string | null> = { [key(full.revision)]: JSON.stringify(full) };
    for (const old of entries.slice(0, Math.max(0, entries.length + 1 - KEEP))) data[key(old.revision)] = null;
    try {
      if (!cm) {
        await api.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: HISTORY_CONFIGMAP, namespace: stack.namespace, labels: { ...MANAGED_BY } },
          data: data as Record<string, string>,
        });
      } else {
        await api.mergePatch('ConfigMap', HISTORY_CONFIGMAP, stack.namespace, { metadata: { resourceVersion: cm.metadata.resourceVersion }, data });
      }
      return full;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) continue; // another operator wrote first: read again
      throw e;
    }
  }
  throw new OperationError(`could not record the deploy history in ${stack.namespace}: too many concurrent writers`, {
    hint: 'retry; the change itself was applied',
    code: 'KUBE_HISTORY',
  });
}
