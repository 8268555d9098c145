/**
 * A node:http server on 127.0.0.1 whose every answer a test writes: 429s, 503s, dropped sockets,
 * silence, watch streams cut mid-way. This is exactly what a real API server cannot do on cue.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeTarget } from '../../../src/providers/kube/config.js';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  at: number;
}

export interface LocalServer {
  url: string;
  port: number;
  seen: Seen[];
  target: KubeTarget;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, n: number, seen: Seen) => void;

export async function localServer(handler: Handler, port = 0): Promise<LocalServer> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const s = { method: req.method ?? '', path: u.pathname, query: u.searchParams, at: Date.now() };
    seen.push(s);
    req.resume();
    handler(req, res, seen.length, s);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actual}`;
  return {
    url,
    port: actual,
    seen,
    target: { server: url, context: 'test', kubeconfig: '/tmp/kubeconfig', requestOptions: { headers: {} } },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

export const ns = (name: string, rv = '1') => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: rv } });
