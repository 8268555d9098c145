/**
 * The lock of a Kubernetes environment: a coordination.k8s.io/v1 Lease `fragctl-lock` in the
 * stack's namespace. Creating an object with a fixed name is atomic on the API server: of two
 * operators, one gets 201 and the other 409 AlreadyExists, then reads the holder from the Lease.
 * The Lease has no expiry (a deploy may take long); a dead holder is released by hand
 * (`lock release --force`, or `doctor --fix` when it ran on this host).
 *
 * The provider's kind table has no Lease yet, so the few Lease requests name their path here and
 * go through the provider's request (authentication, TLS, timeout, retries, call counter).
 */
import type { KubeClient } from '../../providers/kube/client.js';
import { OperationError } from '../errors.js';
import { isLockHolder, LockHeldError, unknownHolder, type EnvLock, type LockHolder } from './types.js';
import { isStale } from './stale.js';

export const LEASE_NAME = 'fragctl-lock';
const HOLDER = 'fragctl.io/holder';

interface Lease {
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: { holderIdentity?: string; acquireTime?: string };
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
    const lease: Lease & { apiVersion: string; kind: string } = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: LEASE_NAME, namespace: this.namespace, labels: this.labels, annotations: { [HOLDER]: JSON.stringify(holder) } },
      spec: { holderIdentity: `${holder.who}/${holder.runId}`, acquireTime: microTime(holder.since) },
    };
    const a = await this.call('POST', undefined, lease);
    if (a.status === 201 || a.status === 200) return;
    if (a.status === 409) {
      const current = (await this.status()) ?? unknownHolder();
      throw new LockHeldError(this.env, current, isStale(current));
    }
    throw failed('take', a);
  }

  async release(runId: string): Promise<void> {
    const current = await this.status();
    if (current?.runId === runId) await this.remove();
  }

  async status(): Promise<LockHolder | undefined> {
    const a = await this.call('GET', LEASE_NAME);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw failed('read', a);
    const lease = JSON.parse(a.body) as Lease;
    try {
      const v: unknown = JSON.parse(lease.metadata.annotations?.[HOLDER] ?? '');
      if (isLockHolder(v)) return v;
    } catch {
      // a Lease written by hand: report what it says
    }
    return { ...unknownHolder(), who: lease.spec?.holderIdentity ?? 'unknown' };
  }

  async forceRelease(): Promise<LockHolder | undefined> {
    const current = await this.status();
    await this.remove();
    return current;
  }

  private async remove(): Promise<void> {
    const a = await this.call('DELETE', LEASE_NAME);
    if (a.status !== 200 && a.status !== 202 && a.status !== 404) throw failed('release', a);
  }

  /** Through the provider's request: its authentication, timeout, retries and call counter. */
  private call(method: string, name?: string, body?: unknown): Promise<{ status: number; body: string }> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
    return this.api.request(method, 'Lease', path, {
      query: method === 'POST' ? new URLSearchParams({ fieldManager: 'fragctl' }) : undefined,
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: 'application/json',
      idempotent: method === 'GET' || method === 'DELETE',
    });
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(iso: string): string {
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
