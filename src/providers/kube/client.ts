/**
 * The narrow Kubernetes module: the only calls fragctl makes (server-side apply with field manager
 * `fragctl`, get, list, merge patch, delete, watch, pod logs), each one HTTP request through the
 * kubeconfig's authentication, counted per kind and verb for benchmarks and --verbose.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { OperationError } from '../../core/errors.js';
import type { KubeTarget } from './config.js';
import { collectionPath, objectPath, type KubeKind, type KubeObject } from './resources.js';

export const FIELD_MANAGER = 'fragctl';

/** An answer of the API server other than 2xx: its HTTP code, reason and message. */
export class KubeApiError extends OperationError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    hint: string,
  ) {
    super(message, { hint, code: status === 403 ? 'KUBE_FORBIDDEN' : status === 401 ? 'KUBE_UNAUTHORIZED' : `KUBE_${status}` });
  }
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

interface Answer {
  status: number;
  body: string;
}

export class KubeClient {
  /** `METHOD Kind` → number of requests. */
  readonly calls = new Map<string, number>();

  constructor(readonly target: KubeTarget) {}

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  async get<T extends KubeObject = KubeObject>(kind: KubeKind, name: string, namespace?: string): Promise<T | undefined> {
    const a = await this.send('GET', kind, objectPath(kind, name, namespace));
    if (a.status === 404) return undefined;
    return this.parse<T>(a, `get ${kind} ${name}`);
  }

  async list<T extends KubeObject = KubeObject>(kind: KubeKind, namespace: string | undefined, options: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const a = await this.send('GET', kind, collectionPath(kind, namespace), query(options));
    const body = this.parse<{ items?: T[]; metadata?: { resourceVersion?: string } }>(a, `list ${kind}`);
    return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
  }

  /** Server-side apply (creates when missing); `force` takes over fields another manager owns. */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject & { kind: string }, options: { dryRun?: boolean; force?: boolean } = {}): Promise<T> {
    const kind = obj.kind as KubeKind;
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    if (options.force ?? true) q.set('force', 'true');
    if (options.dryRun) q.set('dryRun', 'All');
    const a = await this.send('PATCH', kind, objectPath(kind, obj.metadata.name, obj.metadata.namespace), q, JSON.stringify(obj), 'application/apply-patch+yaml');
    return this.parse<T>(a, `apply ${kind} ${obj.metadata.name}`);
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject & { kind: string }): Promise<T> {
    const kind = obj.kind as KubeKind;
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    const a = await this.send('POST', kind, collectionPath(kind, obj.metadata.namespace), q, JSON.stringify(obj), 'application/json');
    return this.parse<T>(a, `create ${kind} ${obj.metadata.name}`);
  }

  async mergePatch<T extends KubeObject = KubeObject>(kind: KubeKind, name: string, namespace: string | undefined, patch: unknown): Promise<T> {
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    const a = await this.send('PATCH', kind, objectPath(kind, name, namespace), q, JSON.stringify(patch), 'application/merge-patch+json');
    return this.parse<T>(a, `patch ${kind} ${name}`);
  }

  /** Deletes with background propagation (owned pods go too); false when it was already gone. */
  async delete(kind: KubeKind, name: string, namespace?: string, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    const body = JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
    const a = await this.send('DELETE', kind, objectPath(kind, name, namespace), undefined, body, 'application/json');
    if (a.status === 404) return false;
    this.parse(a, `delete ${kind} ${name}`);
    return true;
  }

  async podLog(namespace: string, pod: string, tailLines = 20): Promise<string> {
    const a = await this.send('GET', 'Pod', `${objectPath('Pod', pod, namespace)}/log`, new URLSearchParams({ tailLines: String(tailLines) }));
    if (a.status === 404 || a.status === 400) return '';
    if (a.status >= 300) this.parse(a, `logs of pod ${pod}`);
    return a.body;
  }

  /**
   * Watches a collection; yields events until the server ends the stream, the caller breaks out,
   * or `signal` aborts (then it returns quietly). An ERROR event (410 Gone) is yielded as is.
   */
  async *watch<T extends KubeObject = KubeObject>(kind: KubeKind, namespace: string | undefined, options: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const q = query(options);
    q.set('watch', 'true');
    q.set('allowWatchBookmarks', 'true');
    if (options.resourceVersion) q.set('resourceVersion', options.resourceVersion);
    if (options.timeoutSeconds) q.set('timeoutSeconds', String(options.timeoutSeconds));
    if (signal.aborted) return;
    const res = await this.open('GET', kind, collectionPath(kind, namespace), q, signal);
    if (!res) return;
    if ((res.statusCode ?? 0) >= 300) {
      const body = await readAll(res);
      this.parse({ status: res.statusCode ?? 0, body }, `watch ${kind}`);
    }
    let buffer = '';
    try {
      for await (const chunk of res) {
        buffer += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (e) {
      if (!signal.aborted) throw unreachable(this.target, e);
    } finally {
      res.destroy();
    }
  }

  private async send(method: string, kind: KubeKind, path: string, q?: URLSearchParams, body?: string, contentType?: string): Promise<Answer> {
    const res = await this.open(method, kind, path, q, undefined, body, contentType);
    return { status: res?.statusCode ?? 0, body: res ? await readAll(res) : '' };
  }

  private open(method: string, kind: KubeKind, path: string, q?: URLSearchParams, signal?: AbortSignal, body?: string, contentType?: string): Promise<http.IncomingMessage | undefined> {
    const key = `${method} ${kind}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const url = new URL(this.target.server + path + (q && [...q].length ? `?${q}` : ''));
    const base = this.target.requestOptions;
    const headers: Record<string, string> = { ...(base.headers as Record<string, string>), Accept: 'application/json', 'User-Agent': 'fragctl' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, { ...base, method, headers, signal }, (res) => resolve(res));
      req.on('error', (e) => {
        if (signal?.aborted) resolve(undefined);
        else reject(unreachable(this.target, e));
      });
      req.end(body);
    });
  }

  private parse<T>(a: Answer, what: string): T {
    if (a.status >= 200 && a.status < 300) return (a.body ? JSON.parse(a.body) : {}) as T;
    let status: { message?: string; reason?: string } = {};
    try {
      status = JSON.parse(a.body) as typeof status;
    } catch {
      status = { message: a.body.slice(0, 200) };
    }
    const message = status.message ?? `HTTP ${a.status}`;
    const ctx = `context "${this.target.context}"`;
    if (a.status === 403) {
      throw new KubeApiError(403, 'Forbidden', `Kubernetes refused to ${what} (403 Forbidden): ${message}`, `the account of ${ctx} lacks this permission; ask a cluster administrator for a Role that allows it`);
    }
    if (a.status === 401) {
      throw new KubeApiError(401, 'Unauthorized', `Kubernetes did not accept the credentials of ${ctx} (401)`, 'refresh your credentials (log in to the cluster again) and retry');
    }
    throw new KubeApiError(a.status, status.reason ?? 'Error', `Kubernetes could not ${what}: ${message} (HTTP ${a.status})`, 'see the message above; kubectl shows the same object with kubectl get -o yaml');
  }
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
  });
}

function unreachable(target: KubeTarget, e: unknown): OperationError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host not found' : err.code ?? err.message;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(err.code ?? '')) {
    return new OperationError(`cannot reach the Kubernetes API server ${target.server} (${why}: its certificate is not trusted)`, {
      hint: `check certificate-authority(-data) of the cluster of context "${target.context}" in ${target.kubeconfig}`,
      code: 'KUBE_TLS',
      cause: e,
    });
  }
  return new OperationError(`cannot reach the Kubernetes API server ${target.server} (${why})`, {
    hint: `check that the cluster of context "${target.context}" in ${target.kubeconfig} is running and reachable`,
    code: 'KUBE_UNREACHABLE',
    cause: e,
  });
}
