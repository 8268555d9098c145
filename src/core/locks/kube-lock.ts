/**
 * The lock of a Kubernetes environment: a coordination.k8s.io/v1 Lease `fragctl-lock` in the
 * stack's namespace, used as Kubernetes' own leader election uses it: `holderIdentity`,
 * `renewTime` and `leaseDurationSeconds` say who holds it until when; the full holder (verb, pid,
 * message) rides in an annotation. Creating an object with a fixed name is atomic on the API
 * server (one 201, the others 409). Taking over an expired Lease, renewing and releasing all send
 * the resourceVersion that was read (PUT, or DELETE with preconditions): the API server refuses
 * with 409 when anyone changed it in between, so no read-then-write race.
 *
 * The provider's kind table has no Lease yet, so the few Lease requests name their path here and
 * go through the provider's request (authentication, TLS, timeout, retries, call counter).
 */
import type { KubeClient } from '../../providers/kube/client.js';
import { OperationError } from '../errors.js';
import { isLockHolder, LockHeldError, LockLostError, UnreadableLockError, type EnvLock, type LockHolder } from './types.js';
import { isStale } from './stale.js';

export const LEASE_NAME = 'fragctl-lock';
const HOLDER = 'fragctl.io/holder';

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: { holderIdentity?: string; acquireTime?: string; renewTime?: string; leaseDurationSeconds?: number; leaseTransitions?: number };
}

export class KubeLock implements EnvLock {
  readonly location: string;

  constructor(
    private readonly api: KubeClient,
    private readonly namespace: string,
    private readonly env: string,
    private readonly labels: Record<string, string> = {},
  ) {
    this.location = `Lease ${namespace}/${LEASE_NAME}`;
  }

  async acquire(holder: LockHolder): Promise<void> {
    const a = await this.call('POST', undefined, this.leaseFor(holder));
    if (a.status === 201 || a.status === 200) return;
    if (a.status !== 409) throw failed('take', a);
    const found = await this.read();
    if (!found) return this.acquire(holder); // released in between: try again
    const current = this.holderOf(found);
    if (!isStale(current)) throw new LockHeldError(this.env, current, false);
    const next = this.leaseFor(holder, found);
    const b = await this.call('PUT', LEASE_NAME, next);
    if (b.status === 200) return;
    if (b.status === 409) throw new LockHeldError(this.env, (await this.status()) ?? current, false);
    throw failed('take over', b);
  }

  async renew(runId: string, heartbeat: string, expires: string): Promise<void> {
    const found = await this.read();
    const current = found && this.holderOf(found);
    if (!found || current?.runId !== runId)
      throw new LockLostError(this.env, `${this.location} ${current ? `now names run ${current.runId}` : 'is gone'}`);
    const b = await this.call('PUT', LEASE_NAME, this.leaseFor({ ...current, heartbeat, expires }, found, true));
    if (b.status === 409) throw new LockLostError(this.env, `${this.location} was changed by someone else`);
    if (b.status !== 200) throw failed('renew', b);
  }

  async release(runId: string): Promise<void> {
    const found = await this.read();
    if (found && this.holderOf(found).runId === runId) await this.remove(found);
  }

  async status(): Promise<LockHolder | undefined> {
    const found = await this.read();
    return found && this.holderOf(found);
  }

  async forceRelease(runId?: string): Promise<LockHolder | undefined> {
    const found = await this.read();
    if (!found) return undefined;
    const current = this.holderOf(found);
    if (runId && current.runId !== runId) return undefined;
    return (await this.remove(found)) ? current : undefined;
  }

  private async read(): Promise<Lease | undefined> {
    const a = await this.call('GET', LEASE_NAME);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw failed('read', a);
    return JSON.parse(a.body) as Lease;
  }

  /** The holder from the annotation, with the lease times from the spec (the source of truth). */
  private holderOf(lease: Lease): LockHolder {
    let v: unknown;
    try {
      v = JSON.parse(lease.metadata.annotations?.[HOLDER] ?? '');
    } catch {
      v = undefined;
    }
    if (!isLockHolder(v)) {
      throw new UnreadableLockError(this.env, this.location, `kubectl -n ${this.namespace} delete lease ${LEASE_NAME}`);
    }
    const renew = lease.spec?.renewTime ?? lease.spec?.acquireTime;
    const seconds = lease.spec?.leaseDurationSeconds;
    const heartbeat = renew ? new Date(Date.parse(renew)).toISOString() : v.heartbeat;
    const expires = renew && seconds ? new Date(Date.parse(renew) + seconds * 1000).toISOString() : v.expires;
    return { ...v, ...(heartbeat ? { heartbeat } : {}), ...(expires ? { expires } : {}) };
  }

  private leaseFor(holder: LockHolder, prior?: Lease, renewal = false): Lease {
    const heartbeat = holder.heartbeat ?? holder.since;
    const seconds = holder.expires ? Math.max(1, Math.ceil((Date.parse(holder.expires) - Date.parse(heartbeat)) / 1000)) : undefined;
    const transitions = prior?.spec?.leaseTransitions ?? 0;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: LEASE_NAME,
        namespace: this.namespace,
        labels: prior?.metadata.labels ?? this.labels,
        annotations: { ...prior?.metadata.annotations, [HOLDER]: JSON.stringify(holder) },
        ...(prior ? { resourceVersion: prior.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: `${holder.who}/${holder.runId}`,
        acquireTime: microTime(renewal ? (prior?.spec?.acquireTime ?? holder.since) : holder.since),
        renewTime: microTime(heartbeat),
        ...(seconds ? { leaseDurationSeconds: seconds } : {}),
        leaseTransitions: prior && !renewal ? transitions + 1 : transitions,
      },
    };
  }

  /** DELETE with the resourceVersion read: refused (409) when the Lease changed meanwhile. */
  private async remove(read: Lease): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { resourceVersion: read.metadata.resourceVersion, uid: read.metadata.uid },
    };
    const a = await this.call('DELETE', LEASE_NAME, body);
    if (a.status === 409) return false;
    if (a.status !== 200 && a.status !== 202 && a.status !== 404) throw failed('release', a);
    return a.status !== 404;
  }

  /** Through the provider's request: its authentication, timeout, retries and call counter. */
  private call(method: string, name?: string, body?: unknown): Promise<{ status: number; body: string }> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
    return this.api.request(method, 'Lease', path, {
      query: method === 'POST' || method === 'PUT' ? new URLSearchParams({ fieldManager: 'fragctl' }) : undefined,
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: 'application/json',
      idempotent: method === 'GET' || method === 'DELETE',
    });
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(iso: string): string {
  if (/\.\d{6}Z$/.test(iso)) return iso;
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z').replace(/:(\d{2})Z$/, ':$1.000000Z');
}

function failed(what: string, a: { status: number; body: string }): OperationError {
  let message = a.body.slice(0, 200);
  try {
    message = (JSON.parse(a.body) as { message?: string }).message ?? message;
  } catch {
    // not JSON
  }
  return new OperationError(`Kubernetes could not ${what} the environment's Lease: ${message} (HTTP ${a.status})`, {
    code: a.status === 403 ? 'KUBE_FORBIDDEN' : `KUBE_${a.status}`,
    hint: a.status === 403 ? 'fragctl needs get/create/delete on leases.coordination.k8s.io in the namespace' : undefined,
  });
}
