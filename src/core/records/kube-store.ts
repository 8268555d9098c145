/**
 * Run records of a Kubernetes environment: the ConfigMap `fragctl-runs` in the stack's namespace,
 * one key per run (the run id), the newest 100 kept. Writes are merge patches of one key, so two
 * operators never overwrite each other's runs. The lock is a Lease beside it (../locks/kube-lock).
 * A namespace that does not exist yet is created (with fragctl's labels, as a deploy would) when a
 * changing verb needs its lock; reading verbs never create it. Deleting the namespace (undeploy)
 * deletes its records too: the `.fragctl/runs.jsonl` cache keeps what this machine saw.
 */
import type { Context } from '../context.js';
import type { KubeClient } from '../../providers/kube/client.js';
import type { KubeObject } from '../../providers/kube/resources.js';
import { KubeLock } from '../locks/kube-lock.js';
import type { EnvLock, LockHolder } from '../locks/types.js';
import { isRunRecord, mergeRecords, type ListResult, type RecordStore, type RunRecord } from './types.js';

export const RUNS_CONFIGMAP = 'fragctl-runs';
const KEEP = 100;

export class KubeRecordStore implements RecordStore {
  readonly location: string;

  constructor(
    private readonly api: KubeClient,
    private readonly namespace: string,
    private readonly labels: Record<string, string> = {},
  ) {
    this.location = `ConfigMap ${namespace}/${RUNS_CONFIGMAP}`;
  }

  async put(record: RunRecord): Promise<void> {
    try {
      await this.write(record);
    } catch (e) {
      // The namespace is gone or going (undeploy, a verb on a stack never deployed): the record
      // lives on in the local cache only.
      const err = e as { status?: number; message?: string };
      if (err.status === 404 || (err.status === 403 && /terminat/i.test(err.message ?? ''))) return;
      if (!(await this.api.get('Namespace', this.namespace))) return;
      throw e;
    }
  }

  private async write(record: RunRecord): Promise<void> {
    const cm = await this.api.get('ConfigMap', RUNS_CONFIGMAP, this.namespace);
    const value = JSON.stringify(record);
    if (!cm) {
      try {
        await this.api.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: RUNS_CONFIGMAP, namespace: this.namespace, labels: this.labels },
          data: { [record.id]: value },
        });
        return;
      } catch (e) {
        if ((e as { status?: number }).status !== 409) throw e; // created meanwhile by another run: patch it
      }
    }
    const keys = Object.keys(dataOf(cm))
      .filter((k) => k !== record.id)
      .sort();
    const drop = keys.slice(0, Math.max(0, keys.length + 1 - KEEP));
    await this.api.mergePatch('ConfigMap', RUNS_CONFIGMAP, this.namespace, {
      data: { [record.id]: value, ...Object.fromEntries(drop.map((k) => [k, null])) },
    });
  }

  async list(env: string | undefined, limit: number): Promise<ListResult> {
    const cm = await this.api.get('ConfigMap', RUNS_CONFIGMAP, this.namespace);
    const records: RunRecord[] = [];
    let bad = 0;
    for (const text of Object.values(dataOf(cm))) {
      try {
        const v: unknown = JSON.parse(text);
        if (!isRunRecord(v)) throw new Error('not a record');
        if (!env || v.env === env) records.push(v);
      } catch {
        bad++;
      }
    }
    return {
      records: mergeRecords([records], limit),
      warnings: bad ? [`${this.location}: skipped ${bad} unreadable entr${bad === 1 ? 'y' : 'ies'}`] : [],
    };
  }
}

const dataOf = (cm: KubeObject | undefined): Record<string, string> => (cm as { data?: Record<string, string> } | undefined)?.data ?? {};

/**
 * A namespace that does not exist holds no lock and no records. `deploy` creates it to take the
 * lock (it would create it anyway); any other verb on a missing namespace has nothing to protect
 * and fails on its own ("not deployed"), so it runs without a lock rather than leave an empty
 * namespace behind.
 */
class CreatingLock implements EnvLock {
  private held = false;
  constructor(
    private readonly inner: KubeLock,
    private readonly ensureNamespace: () => Promise<boolean>,
  ) {}
  get location(): string {
    return this.inner.location;
  }
  async acquire(holder: LockHolder): Promise<void> {
    if (!(await this.ensureNamespace())) return;
    await this.inner.acquire(holder);
    this.held = true;
  }
  async renew(runId: string, heartbeat: string, expires: string): Promise<void> {
    if (this.held) await this.inner.renew(runId, heartbeat, expires);
  }
  async release(runId: string): Promise<void> {
    if (this.held) await this.inner.release(runId);
  }
  status(): Promise<LockHolder | undefined> {
    return this.inner.status();
  }
  forceRelease(runId?: string): Promise<LockHolder | undefined> {
    return this.inner.forceRelease(runId);
  }
}

export async function openKubeState(
  ctx: Context,
  opts: { create?: boolean; verb?: string; adopt?: boolean } = {},
): Promise<{ store: RecordStore; lock: EnvLock }> {
  const [{ connectKube, isManaged, managedNamespace }, { resolveStack }, { namespaceManifest }] = await Promise.all([
    import('../kube/connect.js'),
    import('../kube/stack.js'),
    import('../kube/manifests.js'),
  ]);
  const stack = resolveStack(ctx.env);
  const api = await connectKube(ctx);
  // A namespace fragctl did not make is refused, unless deploy --adopt takes it over.
  const foreign = opts.adopt ? await api.get('Namespace', stack.namespace) : undefined;
  let exists = foreign && !isManaged(foreign) ? true : !!(await managedNamespace(api, stack));
  const lock = new KubeLock(api, stack.namespace, ctx.env.name, stack.labels);
  const ensure = async (): Promise<boolean> => {
    if (exists) return true;
    if (opts.create === false || opts.verb !== 'deploy') return false;
    await api.apply(namespaceManifest(stack));
    exists = true;
    return true;
  };
  return { store: new KubeRecordStore(api, stack.namespace, stack.labels), lock: new CreatingLock(lock, ensure) };
}
