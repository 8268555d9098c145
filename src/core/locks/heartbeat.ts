/**
 * The heartbeat of a held lock: renews the lease every `heartbeatMs`. A renewal refused because
 * the lock changed hands ends the run at once (its signal aborts); a renewal that fails for other
 * reasons (the store unreachable) is retried at the next beat, and the run is stopped only when
 * the lease would run out before the next beat could renew it.
 */
import type { EnvLock, LeaseSettings, LockHolder } from './types.js';
import { LockLostError } from './types.js';

export interface Heartbeat {
  signal: AbortSignal;
  /** Why the lock was lost, once it was. */
  readonly lost: LockLostError | undefined;
  stop(): void;
}

export function startHeartbeat(lock: EnvLock, holder: LockHolder, lease: LeaseSettings, env: string): Heartbeat {
  const controller = new AbortController();
  let lost: LockLostError | undefined;
  let expires = Date.parse(holder.expires ?? '') || Date.now() + lease.leaseMs;
  let busy = false;
  const fail = (e: LockLostError): void => {
    lost ??= e;
    clearInterval(timer);
    controller.abort(e);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const now = Date.now();
    const next = new Date(now + lease.leaseMs).toISOString();
    lock
      .renew(holder.runId, new Date(now).toISOString(), next)
      .then(() => {
        expires = Date.parse(next);
      })
      .catch((e: unknown) => {
        if (e instanceof LockLostError) return fail(e);
        if (Date.now() + lease.heartbeatMs >= expires) {
          fail(
            new LockLostError(
              env,
              `its heartbeat failed (${((e as Error)?.message ?? String(e)).split('\n')[0]}) and the lease runs out at ${new Date(expires).toISOString()}`,
            ),
          );
        }
      })
      .finally(() => {
        busy = false;
      });
  }, lease.heartbeatMs);
  timer.unref();
  return {
    signal: controller.signal,
    get lost() {
      return lost;
    },
    stop: () => clearInterval(timer),
  };
}
