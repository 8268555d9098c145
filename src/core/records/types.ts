/** Run records: what every changing verb did, kept where the environment lives. */
import type { Platform } from '../config/project.js';
import type { EnvLock } from '../locks/types.js';

export type Outcome = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface RunRecord {
  /** Sortable by start time: `20261122T045000Z-1a2b3c`. */
  id: string;
  env: string;
  platform: Platform;
  verb: string;
  /** The command line after `fragctl`, secrets redacted. */
  args: string[];
  /** `user@host`. */
  who: string;
  /** The ops repository's commit (`git rev-parse HEAD`), `unknown` outside a git repository. */
  commit: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome: Outcome;
  exitCode?: number;
  error?: { code: string; message: string };
  /** What the run touched, from the `run.touched` events it emitted (stack IDs, image IDs, tags, snapshots). */
  touched: Array<Record<string, unknown>>;
}

export interface ListResult {
  records: RunRecord[];
  /** Problems met while reading (corrupt lines, an unreachable store); shown as warnings. */
  warnings: string[];
}

/** Where an environment's records live. `put` is an upsert by id (a run is written at start and at end). */
export interface RecordStore {
  /** For messages: `DynamoDB table app-fragctl`, `.fragctl/runs.jsonl`, `ConfigMap ns/fragctl-runs`. */
  readonly location: string;
  put(record: RunRecord): Promise<void>;
  /** Newest first; `env` undefined means every environment the store holds. */
  list(env: string | undefined, limit: number): Promise<ListResult>;
}

/** An environment's run records and lock (records/state.ts opens them, by platform). */
export interface EnvState {
  store: RecordStore;
  lock: EnvLock;
  /** The local cache, when `store` is remote. */
  cache?: RecordStore;
}

/** Newest first, one entry per id (the last written wins), at most `limit`. */
export function mergeRecords(lists: RunRecord[][], limit: number): RunRecord[] {
  const byId = new Map<string, RunRecord>();
  for (const list of lists) {
    for (const r of list) {
      const seen = byId.get(r.id);
      // A finished record beats a `running` one whatever the order they were read in.
      if (!seen || seen.outcome === 'running' || r.outcome !== 'running') byId.set(r.id, r);
    }
  }
  return [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0)).slice(0, limit);
}

export function isRunRecord(v: unknown): v is RunRecord {
  const r = v as RunRecord;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof r.id === 'string' &&
    typeof r.env === 'string' &&
    typeof r.verb === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.outcome === 'string' &&
    Array.isArray(r.args)
  );
}
