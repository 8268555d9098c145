/** What the fake was asked (for counting API calls) and faults to inject into the next requests. */
import { ApiError, forbidden, internalError } from './status.js';

export interface RequestRecord {
  method: string;
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  userAgent: string;
  contentType: string;
  /** HTTP status sent back (set once answered). */
  status?: number;
  time: number;
}

export interface RequestMatch {
  method?: string;
  /** Exact path, or a RegExp tested against it. */
  path?: string | RegExp;
}

interface Fault { remaining: number; code: number; match: RequestMatch; message: string }

const matches = (m: RequestMatch, method: string, path: string): boolean =>
  (!m.method || m.method.toUpperCase() === method) &&
  (m.path === undefined || (typeof m.path === 'string' ? m.path === path : m.path.test(path)));

export class RequestLog {
  readonly log: RequestRecord[] = [];
  private faults: Fault[] = [];

  /** Requests seen so far matching `m` (all when omitted). */
  count(m: RequestMatch = {}): number {
    return this.log.filter((r) => matches(m, r.method, r.path)).length;
  }

  filter(m: RequestMatch = {}): RequestRecord[] {
    return this.log.filter((r) => matches(m, r.method, r.path));
  }

  clear(): void {
    this.log.length = 0;
  }

  /**
   * The next `n` requests matching `match` answer `code` (403 Forbidden, 500 InternalError,
   * or any other code: 429 TooManyRequests, 503 ServiceUnavailable...) as a Status object.
   */
  failNext(n: number, code = 500, match: RequestMatch = {}, message?: string): void {
    this.faults.push({ remaining: n, code, match, message: message ?? '' });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** @internal The router asks this for every request. */
  takeFault(method: string, path: string): ApiError | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && matches(x.match, method, path));
    if (!f) return undefined;
    f.remaining--;
    this.faults = this.faults.filter((x) => x.remaining > 0);
    if (f.code === 403) return forbidden(f.message || `forbidden: User "system:anonymous" cannot ${method.toLowerCase()} path "${path}"`);
    if (f.code === 500) return internalError(f.message || 'injected fault');
    const reasons: Record<number, string> = { 401: 'Unauthorized', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 503: 'ServiceUnavailable', 504: 'Timeout' };
    return new ApiError(f.code, reasons[f.code] ?? 'InternalError', f.message || `injected fault ${f.code}`);
  }
}
