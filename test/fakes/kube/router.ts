/** URL routing: discovery documents and /api/v1/..., /apis/<group>/<version>/... resource paths. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, openApiV3GroupVersion, openApiV3Root, versionInfo } from './discovery.js';
import * as h from './handlers.js';
import type { RequestLog } from './requests.js';
import { findResource } from './resources.js';
import { ApiError, badRequest, internalError, methodNotAllowed } from './status.js';
import type { Store } from './store.js';
import { serveWatch } from './watch.js';

export interface RouterDeps {
  store: Store;
  requests: RequestLog;
  logs: Map<string, string>;
  openWatches: Set<ServerResponse>;
  host: () => string;
}

const pageNotFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

/** Splits a resource path into its target; undefined when it names no resource we serve. */
function resolve(segments: string[]): h.Target | undefined {
  let group = '';
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') rest = segments.slice(2);
  else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    rest = segments.slice(3);
  } else return undefined;
  const version = segments[0] === 'api' ? 'v1' : segments[2]!;
  let namespace: string | undefined;
  const nsSub = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && nsSub)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const rt = findResource(group, version, rest[0] ?? '');
  if (!rt || rest.length > 3 || (namespace !== undefined && !rt.namespaced)) return undefined;
  return { rt, namespace, ...(rest[1] !== undefined ? { name: rest[1] } : {}), ...(rest[2] !== undefined ? { subresource: rest[2] } : {}) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function discovery(path: string, deps: RouterDeps): unknown {
  if (path === '/version' || path === '/version/') return versionInfo;
  if (path === '/api' || path === '/api/') return apiVersions(deps.host());
  if (path === '/apis' || path === '/apis/') return apiGroupList();
  if (path === '/openapi/v3') return openApiV3Root();
  if (path.startsWith('/openapi/v3/')) return openApiV3GroupVersion(path.slice('/openapi/v3/'.length)) ?? null;
  const segs = path.split('/').filter(Boolean);
  if (segs[0] === 'apis' && segs.length === 2) return apiGroup(segs[1]!) ?? null;
  if (segs[0] === 'api' && segs.length === 2) return apiResourceList(segs[1]!) ?? null;
  if (segs[0] === 'apis' && segs.length === 3) return apiResourceList(`${segs[1]}/${segs[2]}`) ?? null;
  return undefined;
}

async function dispatch(req: IncomingMessage, res: ServerResponse, deps: RouterDeps, url: URL): Promise<{ code: number; body: unknown } | undefined> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (['/healthz', '/livez', '/readyz'].includes(path)) return { code: 200, body: 'ok' };
  const disc = method === 'GET' ? discovery(path, deps) : undefined;
  if (disc === null) throw pageNotFound();
  if (disc !== undefined) return { code: 200, body: disc };

  const t = resolve(path.split('/').filter(Boolean));
  if (!t) throw pageNotFound();
  const ctx: h.Ctx = {
    store: deps.store,
    query: url.searchParams,
    contentType: String(req.headers['content-type'] ?? 'application/json'),
    userAgent: String(req.headers['user-agent'] ?? ''),
    logs: deps.logs,
  };
  const body = h.parseBody(await readBody(req), ctx.contentType);
  if (t.subresource !== undefined && !(t.subresource === 'status' && t.rt.status) && !(t.subresource === 'log' && t.rt.kind === 'Pod')) {
    throw pageNotFound();
  }

  if (t.name === undefined) {
    if (method === 'GET') {
      const w = url.searchParams.get('watch');
      if (w === 'true' || w === '1') {
        const timeout = url.searchParams.get('timeoutSeconds');
        serveWatch(req, res, deps.store, {
          rt: t.rt, namespace: t.namespace, match: h.matcherOf(ctx, t.rt),
          resourceVersion: url.searchParams.get('resourceVersion'),
          timeoutSeconds: timeout ? Number(timeout) : undefined,
        }, deps.openWatches);
        return undefined;
      }
      return { code: 200, body: h.list(ctx, t) };
    }
    if (method === 'POST') {
      if (t.rt.namespaced && t.namespace === undefined) throw methodNotAllowed();
      return { code: h.writeOptions(ctx, t).dryRun ? 200 : 201, body: h.create(ctx, t, body) };
    }
    if (method === 'DELETE') return { code: 200, body: h.removeCollection(ctx, t) };
    throw methodNotAllowed();
  }
  if (t.rt.namespaced && t.namespace === undefined) throw pageNotFound();
  if (t.subresource === 'log') {
    if (method !== 'GET') throw methodNotAllowed();
    return { code: 200, body: h.podLog(ctx, t) };
  }
  switch (method) {
    case 'GET': return { code: 200, body: h.get(ctx, t) };
    case 'PUT': return { code: 200, body: h.update(ctx, t, body) };
    case 'PATCH': {
      const { object, created } = h.patch(ctx, t, body);
      return { code: created ? 201 : 200, body: object };
    }
    case 'DELETE': {
      if (t.subresource) throw methodNotAllowed();
      return { code: 200, body: h.remove(ctx, t, body) };
    }
    default: throw methodNotAllowed();
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function createHandler(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record = {
      method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1),
      userAgent: String(req.headers['user-agent'] ?? ''), contentType: String(req.headers['content-type'] ?? ''), time: Date.now(),
    };
    deps.requests.log.push(record);
    res.on('finish', () => Object.assign(record, { status: res.statusCode }));
    const fault = deps.requests.takeFault(record.method, record.path);
    if (fault) {
      req.resume();
      send(res, fault.code, fault.toStatus());
      return;
    }
    dispatch(req, res, deps, url).then(
      (out) => { if (out) send(res, out.code, out.body); },
      (err: unknown) => {
        const e = err instanceof ApiError ? err : err instanceof SyntaxError ? badRequest(err.message) : internalError((err as Error).stack ?? String(err));
        if (e.code >= 500 && !(err instanceof ApiError)) console.error('fake kube:', err);
        if (!res.headersSent) send(res, e.code, e.toStatus());
        else res.end();
      },
    );
  };
}

