/** ?watch=true: a chunked stream of JSON lines {type, object}, filtered like the list it mirrors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Matcher } from './selectors.js';
import { ApiError } from './status.js';
import type { Store } from './store.js';
import type { KubeObject, ResourceType, StoreEvent, WatchType } from './types.js';

export interface WatchRequest {
  rt: ResourceType;
  namespace: string | undefined;
  match: Matcher;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
}

/** How a change looks through a filter: objects entering it are ADDED, leaving it DELETED. */
function viewOf(e: StoreEvent, inScope: Matcher): WatchType | undefined {
  const now = inScope(e.object);
  const before = e.old !== undefined && inScope(e.old);
  if (e.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (e.type === 'DELETED') return now || before ? 'DELETED' : undefined;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  return before ? 'DELETED' : undefined;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, store: Store, w: WatchRequest, open: Set<ServerResponse>): void {
  const inScope: Matcher = (o: KubeObject) => (w.namespace === undefined || o.metadata.namespace === w.namespace) && w.match(o);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  open.add(res);

  try {
    if (w.resourceVersion === null || w.resourceVersion === '' || w.resourceVersion === '0') {
      for (const obj of store.list(w.rt, w.namespace, w.match)) send('ADDED', obj);
    } else {
      for (const e of store.eventsSince(Number(w.resourceVersion), w.rt)) {
        const type = viewOf(e, inScope);
        if (type) send(type, e.object);
      }
    }
  } catch (err) {
    if (err instanceof ApiError) {
      send('ERROR', err.toStatus());
      res.end();
      open.delete(res);
      return;
    }
    throw err;
  }

  const unsubscribe = store.subscribe((e) => {
    if (e.rt !== w.rt) return;
    const type = viewOf(e, inScope);
    if (type) send(type, e.object);
  });
  const timer = w.timeoutSeconds ? setTimeout(() => res.end(), w.timeoutSeconds * 1000) : undefined;
  const stop = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    open.delete(res);
  };
  res.on('close', stop);
  req.on('close', stop);
}
