/**
 * When an HTTP request (Kubernetes API, container registry) is tried again, and after how long. A small policy of our own rather
 * than p-retry: the delay must follow the server's Retry-After when it sends one (429 from API
 * priority and fairness, 503 during a restart), and p-retry computes every delay itself; its
 * current majors also need Node 22.
 */
import { InterruptedError } from '../core/errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first backoff; each later one doubles, up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the answer is returned as it is. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 4000, maxRetryAfterMs: 60_000 };

/** Exponential backoff with equal jitter: half of the step fixed, half random (retries of many clients spread out). */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Whether an HTTP answer is worth another try. 429 always: the server refused before doing
 * anything. 5xx only for idempotent requests (GET, apply, DELETE): a POST or a guarded merge
 * patch may have been carried out before the server failed to answer.
 */
export function retriableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && status >= 500 && status !== 501;
}

/**
 * Whether a connection error is worth another try. A refused connection never carried the
 * request (an API server restarting): any request may go again. A connection dropped after the
 * request went out only for idempotent requests.
 */
export function retriableNetwork(e: unknown, idempotent: boolean): boolean {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return true;
  const dropped =
    ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(code) ||
    /socket hang up|aborted/i.test((e as Error).message ?? '');
  return idempotent && dropped;
}

/** Waits `ms`, or throws InterruptedError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new InterruptedError(`interrupted while waiting to retry ${what}`, { code: 'INTERRUPTED' }));
    };
    if (signal?.aborted) return stop();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
