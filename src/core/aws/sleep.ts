import { InterruptedError } from '../errors.js';

/** Resolves after `ms`, or rejects with the given error as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal, onAbort: () => InterruptedError): Promise<void> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** Poll delays: start at the configured interval, grow by half each time, capped at 6×. */
export function backoff(base: number): () => number {
  let next = Math.max(1, base);
  const cap = Math.max(1, base) * 6;
  return () => {
    const d = next;
    next = Math.min(cap, Math.round(next * 1.5));
    return d;
  };
}
