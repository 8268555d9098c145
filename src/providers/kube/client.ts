/**
 * The narrow Kubernetes module: the only calls fragctl makes (server-side apply with field manager
 * `fragctl`, get, list, merge patch, delete, watch, pod logs), each one HTTP request through the
 * kubeconfig's authentication, counted per kind and verb for benchmarks and --verbose.
 * Like the AWS client factory, every request has a timeout, is tried again on throttling (429,
 * honouring Retry-After), on 5xx and on dropped connections when that is safe (retry.ts), and
 * stops at once when the run is interrupted.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { InterruptedError, isFragError } from '../../core/errors.js';
import type { KubeTarget } from './config.js';
import { statusError, timedOut, undeclaredField, unreachable } from './errors.js';
import { collectionPath, objectPath, type KubeKind, type KubeObject } from './resources.js';
import { backoffMs, DEFAULT_RETRY, retriableNetwork, retriableStatus, retryAfterMs, sleep, type RetryPolicy } from '../retry.js';

export { KubeApiError, type FieldConflict } from './errors.js';

export const FIELD_MANAGER = 'fragctl';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** A watch that carries nothing, not even a bookmark, this long is closed and opened again. */
export const DEFAULT_WATCH_IDLE_MS = 150_000;

export interface KubeClientOptions {
  /** The run's abort signal (Ctrl-C): requests and retry waits stop at once. */
  signal?: AbortSignal;
  /** Per request, until the whole answer is read; watches are exempt (they have watchIdleMs). */
  timeoutMs?: number;
  watchIdleMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchOptions extends ListOptions {
  resourceVersion?: string;
  /** Server-side end of the watch; the caller watches again from the last version seen. */
  timeoutSeconds?: number;
}

export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  query?: URLSearchParams;
  body?: string;
  contentType?: string;
  /** Safe to send twice (GET, apply, DELETE): then also retried on 5xx and dropped connections. */
  idempotent?: boolean;
}

export class KubeClient {
  /** `METHOD Kind` → number of requests (retries not counted). */
  readonly calls = new Map<string, number>();
  /** Requests sent again after a 429, a 5xx or a dropped connection. */
  retries = 0;
  readonly timeoutMs: number;
  readonly watchIdleMs: number;
  private readonly policy: RetryPolicy;
  private readonly signal?: AbortSignal;

  constructor(
    readonly target: KubeTarget,
    options: KubeClientOptions = {},
  ) {
    this.signal = options.signal;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.watchIdleMs = options.watchIdleMs ?? DEFAULT_WATCH_IDLE_MS;
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  async get<T extends KubeObject = KubeObject>(kind: KubeKind, name: string, namespace?: string): Promise<T | undefined> {
    const a = await this.request('GET', kind, objectPath(kind, name, namespace));
    if (a.status === 404) return undefined;
    return this.parse<T>(a, `get ${kind} ${name}`);
  }

  async list<T extends KubeObject = KubeObject>(
    kind: KubeKind,
    namespace: string | undefined,
    options: ListOptions = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const a = await this.request('GET', kind, collectionPath(kind, namespace), { query: query(options) });
    const body = this.parse<{ items?: T[]; metadata?: { resourceVersion?: string } }>(a, `list ${kind}`);
    return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
  }

  /**
   * Server-side apply (creates when missing), with strict field validation. Without `force` a
   * field another manager owns (`kubectl scale`, an autoscaler) is a 409 naming field and manager;
   * `force` takes such fields over.
   */
  async apply<T extends KubeObject = KubeObject>(
    obj: KubeObject & { kind: string },
    options: { dryRun?: boolean; force?: boolean } = {},
  ): Promise<T> {
    const kind = obj.kind;
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' });
    if (options.force) q.set('force', 'true');
    if (options.dryRun) q.set('dryRun', 'All');
    const a = await this.request('PATCH', kind, objectPath(kind, obj.metadata.name, obj.metadata.namespace), {
      query: q,
      body: JSON.stringify(obj),
      contentType: 'application/apply-patch+yaml',
      idempotent: true,
    });
    return this.parse<T>(a, `apply ${kind} ${obj.metadata.name}`);
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject & { kind: string }): Promise<T> {
    const kind = obj.kind;
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    const a = await this.request('POST', kind, collectionPath(kind, obj.metadata.namespace), {
      query: q,
      body: JSON.stringify(obj),
      contentType: 'application/json',
    });
    return this.parse<T>(a, `create ${kind} ${obj.metadata.name}`);
  }

  /** A merge patch; not retried on 5xx (a patch guarded by resourceVersion may already be done). */
  async mergePatch<T extends KubeObject = KubeObject>(
    kind: KubeKind,
    name: string,
    namespace: string | undefined,
    patch: unknown,
  ): Promise<T> {
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    const a = await this.request('PATCH', kind, objectPath(kind, name, namespace), {
      query: q,
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    });
    return this.parse<T>(a, `patch ${kind} ${name}`);
  }

  /** Deletes with background propagation (owned pods go too); false when it was already gone. */
  async delete(
    kind: KubeKind,
    name: string,
    namespace?: string,
    propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background',
  ): Promise<boolean> {
    const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
    // A retried DELETE whose first try went through answers 404: "already gone" is then right.
    const a = await this.request('DELETE', kind, objectPath(kind, name, namespace), {
      body,
      contentType: 'application/json',
      idempotent: true,
    });
    if (a.status === 404) return false;
    this.parse(a, `delete ${kind} ${name}`);
    return true;
  }

  /** A discovery document (`/api/v1`, `/apis/apps/v1`); undefined when the server does not serve it. */
  async discovery<T>(path: string): Promise<T | undefined> {
    const a = await this.request('GET', 'discovery', path, { idempotent: true });
    if (a.status === 404) return undefined;
    return this.parse<T>(a, `read ${path}`);
  }

  async podLog(namespace: string, pod: string, tailLines = 20): Promise<string> {
    const a = await this.request('GET', 'Pod', `${objectPath('Pod', pod, namespace)}/log`, {
      query: new URLSearchParams({ tailLines: String(tailLines) }),
    });
    if (a.status === 404 || a.status === 400) return '';
    if (a.status >= 300) this.parse(a, `logs of pod ${pod}`);
    return a.body;
  }

  /**
   * One request with the timeout and retries; for kinds outside the table (the run lock's Lease).
   * `key` names it in the call counts ("Lease"). GET is idempotent unless said otherwise.
   */
  async request(method: string, key: string, path: string, o: RequestOptions = {}): Promise<Answer> {
    const name = `${method} ${key}`;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const idempotent = o.idempotent ?? (method === 'GET' || method === 'HEAD');
    // Ctrl-C stops requests in flight; requests made after it (releasing the lock, recording the
    // run as interrupted) still go, with their timeout.
    const run = this.signal?.aborted ? undefined : this.signal;
    return this.withRetries(name, idempotent, run, async () => {
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
      const signal = run ? AbortSignal.any([run, timeout.signal]) : timeout.signal;
      try {
        const res = await this.open(method, path, o.query, signal, o.body, o.contentType);
        return { status: res.statusCode ?? 0, headers: res.headers, body: await readAll(res) };
      } catch (e) {
        if (run?.aborted) throw interrupted(name);
        if (timeout.signal.aborted) throw timedOut(this.target, name, this.timeoutMs);
        throw e;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Watches a collection with bookmarks; yields events until the server ends or drops the stream,
   * nothing arrives for watchIdleMs, the caller breaks out, or `signal` (or the run) aborts: then it
   * returns quietly and the caller watches again from the last resourceVersion (see watch.ts).
   * Opening is retried like any GET; an in-stream ERROR (410 Gone) is yielded as is.
   */
  async *watch<T extends KubeObject = KubeObject>(
    kind: KubeKind,
    namespace: string | undefined,
    options: WatchOptions,
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent<T>> {
    const q = query(options);
    q.set('watch', 'true');
    q.set('allowWatchBookmarks', 'true');
    if (options.resourceVersion) q.set('resourceVersion', options.resourceVersion);
    if (options.timeoutSeconds) q.set('timeoutSeconds', String(options.timeoutSeconds));
    const name = `WATCH ${kind}`;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    const idle = new AbortController();
    const stop = AbortSignal.any([signal, idle.signal, ...(this.signal ? [this.signal] : [])]);
    if (stop.aborted) return;
    // The idle clock runs from the opening: a server that never answers the watch is left too.
    let timer = setTimeout(() => idle.abort(), this.watchIdleMs);
    let res: http.IncomingMessage | undefined;
    try {
      const opened = await this.withRetries(name, true, stop, async () => {
        const r = await this.open('GET', collectionPath(kind, namespace), q, stop);
        if ((r.statusCode ?? 0) < 300) return { status: r.statusCode ?? 0, headers: r.headers, body: '', res: r };
        return { status: r.statusCode ?? 0, headers: r.headers, body: await readAll(r) };
      });
      if (opened.status >= 300) this.parse(opened, `watch ${kind}`);
      res = opened.res;
    } catch (e) {
      clearTimeout(timer);
      if (stop.aborted) return;
      throw e;
    }
    if (!res) return clearTimeout(timer);
    let buffer = '';
    try {
      for await (const chunk of res) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), this.watchIdleMs);
        buffer += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch {
      // Dropped by the server or a proxy, idle too long, or aborted: the caller resumes (or stops).
    } finally {
      clearTimeout(timer);
      res.destroy();
    }
  }

  private async withRetries<A extends Answer>(
    name: string,
    idempotent: boolean,
    signal: AbortSignal | undefined,
    once: () => Promise<A>,
  ): Promise<A> {
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        const a = await once();
        if (attempt >= this.policy.attempts || !retriableStatus(a.status, idempotent) || undeclaredField(a.status, a.body)) return a;
        const after = retryAfterMs(a.headers['retry-after']);
        if (after !== undefined && after > this.policy.maxRetryAfterMs) return a;
        wait = after ?? backoffMs(attempt, this.policy);
        (a as { res?: http.IncomingMessage }).res?.destroy();
      } catch (e) {
        if (isFragError(e)) throw e;
        if (attempt >= this.policy.attempts || !retriableNetwork(e, idempotent)) throw unreachable(this.target, e, attempt);
        wait = backoffMs(attempt, this.policy);
      }
      this.retries++;
      await sleep(wait, signal, name);
    }
  }

  private open(
    method: string,
    path: string,
    q: URLSearchParams | undefined,
    signal: AbortSignal,
    body?: string,
    contentType?: string,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.target.server + path + (q && [...q].length ? `?${q}` : ''));
    const base = this.target.requestOptions;
    const headers: Record<string, string> = {
      ...(base.headers as Record<string, string>),
      Accept: 'application/json',
      'User-Agent': 'fragctl',
    };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, { ...base, method, headers, signal }, (res) => resolve(res));
      req.on('error', reject);
      req.end(body);
    });
  }

  private parse<T>(a: Answer, what: string): T {
    if (a.status >= 200 && a.status < 300) return (a.body ? JSON.parse(a.body) : {}) as T;
    throw statusError(this.target, a.status, a.body, what);
  }
}

function interrupted(what: string): InterruptedError {
  return new InterruptedError(`interrupted: stopped waiting for the Kubernetes API server (${what})`, {
    hint: 'what the cluster already accepted goes on; fragctl <env> status shows where it is',
    code: 'WAIT_INTERRUPTED',
  });
}

function query(options: ListOptions): URLSearchParams {
  const q = new URLSearchParams();
  if (options.labelSelector) q.set('labelSelector', options.labelSelector);
  if (options.fieldSelector) q.set('fieldSelector', options.fieldSelector);
  return q;
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  });
}
