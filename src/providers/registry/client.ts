/**
 * The container registry calls a promotion needs, over the OCI distribution HTTP API with fetch:
 * read a manifest (any of the OCI and Docker v2 media types, single or index), read its digest,
 * put the same bytes under another tag, list tags. Within one repository no layer moves: a promotion
 * copies a manifest. Across repositories the blobs are mounted (same registry) or uploaded whole
 * (another registry), by digest, so the promoted image is byte for byte the one that was tested.
 */
import { createHash } from 'node:crypto';
import { OperationError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { environ, type Environ } from '../../core/environ.js';
import { backoffMs, DEFAULT_RETRY, retriableNetwork, retriableStatus, retryAfterMs, sleep, type RetryPolicy } from '../retry.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** Credentials from FRAGCTL_REGISTRY_USER / FRAGCTL_REGISTRY_PASSWORD, when both are set. */
export function registryFromEnv(env: Environ = environ()): { user: string; password: string } | undefined {
  const user = env.FRAGCTL_REGISTRY_USER;
  const password = env.FRAGCTL_REGISTRY_PASSWORD;
  return user && password ? { user, password } : undefined;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface RegistryOptions {
  /** How long one request may take, from sending to the last byte of its answer. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Stops waits between tries (Ctrl-C). */
  signal?: AbortSignal;
}

class TimeoutError extends Error {
  readonly code = 'ECONNABORTED';
  constructor(ms: number) {
    super(`no answer within ${ms / 1000} s`);
  }
}

/** fetch wraps the socket's error (ECONNREFUSED, ECONNRESET …) in its cause. */
const networkCause = (e: unknown): unknown => (e instanceof TimeoutError ? e : ((e as { cause?: unknown }).cause ?? e));

/** PUT and DELETE of manifests and blobs name their target: sending one twice changes nothing more. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export class RegistryClient {
  calls = 0;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly signal?: AbortSignal;

  /**
   * `baseUrl` such as http://127.0.0.1:5000 or https://registry.example.com; credentials for
   * registries that want them (Basic, or Bearer tokens from the registry's token service).
   */
  constructor(
    readonly baseUrl: string,
    private readonly credentials?: { user: string; password: string },
    /** The variables that hold this registry's credentials, named in the hint of a refusal. */
    private readonly credentialVars = 'FRAGCTL_REGISTRY_USER and FRAGCTL_REGISTRY_PASSWORD',
    options: RegistryOptions = {},
  ) {
    if (credentials) registerSecret(credentials.password);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.signal = options.signal;
  }

  /** The manifest of `ref` (tag or digest), or undefined when the registry has no such tag. */
  async getManifest(repo: string, ref: string): Promise<Manifest | undefined> {
    const res = await this.fetch('GET', `/v2/${repo}/manifests/${ref}`, { Accept: MANIFEST_TYPES.join(', ') });
    if (res.status === 404) return undefined;
    await this.check(res, `read the manifest ${repo}:${ref}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const mediaType =
      res.headers.get('content-type')?.split(';')[0] ??
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ??
      MANIFEST_TYPES[0]!;
    return { digest, mediaType, bytes };
  }

  /** The digest of `ref` (HEAD, no body), or undefined when missing. */
  async digest(repo: string, ref: string): Promise<string | undefined> {
    const res = await this.fetch('HEAD', `/v2/${repo}/manifests/${ref}`, { Accept: MANIFEST_TYPES.join(', ') });
    if (res.status === 404) return undefined;
    await this.check(res, `read the digest of ${repo}:${ref}`);
    return res.headers.get('docker-content-digest') ?? (await this.getManifest(repo, ref))?.digest;
  }

  /** Stores the manifest bytes under `tag`; returns the digest the registry computed. */
  async putManifest(repo: string, tag: string, manifest: Manifest): Promise<string> {
    const res = await this.fetch('PUT', `/v2/${repo}/manifests/${tag}`, { 'Content-Type': manifest.mediaType }, manifest.bytes);
    await this.check(res, `tag ${repo}:${tag}`);
    return res.headers.get('docker-content-digest') ?? manifest.digest;
  }

  /** Whether the repository holds the blob (HEAD). */
  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.fetch('HEAD', `/v2/${repo}/blobs/${digest}`, {});
    if (res.status === 404) return false;
    await this.check(res, `check the blob ${digest} in ${repo}`);
    return true;
  }

  /**
   * Cross-repository mount (same registry): true when the registry linked the blob (201). A 202
   * means it started an ordinary upload instead (the source lacks it, or mounting is not allowed):
   * that upload is cancelled and the caller copies the bytes.
   */
  async mountBlob(repo: string, digest: string, from: string): Promise<boolean> {
    const res = await this.fetch(
      'POST',
      `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      { 'Content-Length': '0' },
    );
    if (res.status === 201) return true;
    await this.check(res, `mount the blob ${digest} from ${from} into ${repo}`);
    const location = res.headers.get('location');
    if (location) await this.send('DELETE', location, {}).catch(() => undefined);
    return false;
  }

  /** The blob's bytes, or undefined when the repository does not have it. */
  async getBlob(repo: string, digest: string): Promise<Buffer | undefined> {
    const res = await this.fetch('GET', `/v2/${repo}/blobs/${digest}`, {});
    if (res.status === 404) return undefined;
    await this.check(res, `read the blob ${digest} of ${repo}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (digest.startsWith('sha256:') && actual !== digest) {
      throw new OperationError(`the blob ${digest} of ${repo} read back as ${actual}`, {
        hint: 'the registry returned other bytes than its digest names: try again, then check the registry storage',
        code: 'REGISTRY_ERROR',
      });
    }
    return bytes;
  }

  /** Monolithic upload (POST, then one PUT with the digest), as the distribution API describes. */
  async uploadBlob(repo: string, digest: string, bytes: Buffer): Promise<void> {
    const start = await this.fetch('POST', `/v2/${repo}/blobs/uploads/`, { 'Content-Length': '0' });
    await this.check(start, `start an upload to ${repo}`);
    const location = start.headers.get('location');
    if (!location)
      throw new OperationError(`the registry started an upload to ${repo} but gave no Location`, {
        hint: 'see the registry logs',
        code: 'REGISTRY_ERROR',
      });
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    const put = await this.fetch(
      'PUT',
      url.toString(),
      { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
      bytes,
    );
    await this.check(put, `upload the blob ${digest} to ${repo}`);
  }

  async listTags(repo: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list?n=1000`;
    while (path) {
      const res = await this.fetch('GET', path, {});
      if (res.status === 404) return tags;
      await this.check(res, `list the tags of ${repo}`);
      tags.push(...(((await res.json()) as { tags?: string[] | null }).tags ?? []));
      const link = res.headers.get('link')?.match(/<([^>]+)>;\s*rel="next"/)?.[1];
      path = link;
    }
    return tags;
  }

  private async fetch(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const send = (auth?: string) => this.send(method, path, auth ? { ...headers, Authorization: auth } : headers, body);
    let res = await send(this.authorization);
    if (res.status === 401) {
      const auth = await this.authorize(res.headers.get('www-authenticate') ?? '');
      if (auth) {
        this.authorization = auth;
        res = await send(auth);
      }
    }
    return res;
  }

  private authorization?: string;

  /**
   * Answers a 401 challenge: Basic with the credentials, or Bearer with a token from the realm
   * (anonymous when there are no credentials, as public repositories allow).
   */
  private async authorize(challenge: string): Promise<string | undefined> {
    const basic = this.credentials
      ? `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64')}`
      : undefined;
    if (/^Basic/i.test(challenge)) return basic;
    if (!/^Bearer/i.test(challenge)) return undefined;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
    if (!params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const res = await this.send('GET', url.toString(), basic ? { Authorization: basic } : {});
    if (!res.ok) return undefined;
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return undefined;
    registerSecret(token);
    return `Bearer ${token}`;
  }

  /**
   * One request, tried again as src/providers/retry.ts says: 429 always, 5xx and dropped
   * connections only for idempotent methods (a POST that starts an upload may have been carried
   * out), a refused connection always; the delay follows Retry-After when the registry sends one.
   */
  private async send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    const idempotent = IDEMPOTENT.has(method);
    for (let attempt = 1; ; attempt++) {
      this.calls++;
      const last = attempt >= this.retry.attempts;
      let res: Response;
      try {
        res = await this.once(method, url, headers, body);
      } catch (e) {
        if (last || !retriableNetwork(networkCause(e), idempotent)) throw this.unreachable(e);
        await sleep(backoffMs(attempt, this.retry), this.signal, `${method} ${url.pathname}`);
        continue;
      }
      if (last || !retriableStatus(res.status, idempotent)) return res;
      const after = retryAfterMs(res.headers.get('retry-after') ?? undefined);
      if (after !== undefined && after > this.retry.maxRetryAfterMs) return res;
      await res.arrayBuffer().catch(() => undefined);
      await sleep(after ?? backoffMs(attempt, this.retry), this.signal, `${method} ${url.pathname}`);
    }
  }

  /**
   * One try. The timeout covers the wait for the answer's headers; a body that stalls mid-way is
   * ended by fetch's own idle timeout (undici's bodyTimeout), so a large layer is never cut off
   * for its size, and a stalled registry still cannot hang a run.
   */
  private async once(method: string, url: URL, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutError(this.timeoutMs)), this.timeoutMs);
    try {
      const res = await fetch(url, { method, headers, body: body ? new Uint8Array(body) : undefined, signal: controller.signal });
      clearTimeout(timer);
      const bytes = method === 'HEAD' ? null : await res.arrayBuffer();
      return new Response(bytes && bytes.byteLength > 0 ? bytes : null, { status: res.status, headers: res.headers });
    } catch (e) {
      throw controller.signal.aborted ? controller.signal.reason : e;
    } finally {
      clearTimeout(timer);
    }
  }

  private unreachable(e: unknown): OperationError {
    const reason = e instanceof TimeoutError ? e.message : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
    return new OperationError(`cannot reach the container registry ${this.baseUrl} (${reason})`, {
      hint: 'check kubernetes.registry (or the registry host in kubernetes.image) and that the registry is up',
      code: 'REGISTRY_UNREACHABLE',
      cause: e,
    });
  }

  private async check(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    const text = await res.text().catch(() => '');
    let detail = text.slice(0, 200);
    try {
      const errors = (JSON.parse(text) as { errors?: Array<{ code: string; message: string }> }).errors ?? [];
      if (errors.length) detail = errors.map((e) => `${e.code}: ${e.message}`).join('; ');
    } catch {
      // not JSON: keep the raw text
    }
    throw new OperationError(`the registry could not ${what}: HTTP ${res.status} ${detail}`.trim(), {
      hint:
        res.status === 401 || res.status === 403
          ? `the registry ${this.baseUrl} wants credentials: set ${this.credentialVars} (an account that may ${this.credentialVars.includes('BUILD') ? 'read the builds' : 'push tags'})`
          : 'see the registry answer above',
      code: 'REGISTRY_ERROR',
    });
  }
}
