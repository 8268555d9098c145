/**
 * A tiny proxy in front of the real test API server that answers the first watch of a collection
 * with 410 Gone. A real server sends 410 only when the watched version has been compacted away,
 * which cannot be made to happen on cue; everything else passes through to the real server.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

const EXPIRED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'too old resource version: 1 (2)',
  reason: 'Expired',
  code: 410,
};

export interface GoneProxy {
  /** The admin kubeconfig pointed at the proxy (plain http on 127.0.0.1). */
  kubeconfigText: string;
  /** Paths (with query) of the watches seen, refused or passed on. */
  watches: string[];
  /** Every GET seen, `path?query`. */
  gets: string[];
  /** Refuse the next `n` watches whose path matches: as an HTTP 410 answer, or as an ERROR event in a 200 stream. */
  goneNext(n: number, path: RegExp, how: 'http' | 'stream'): void;
  close(): Promise<void>;
}

export async function startGoneProxy(kubeconfigText: string): Promise<GoneProxy> {
  const server = /server: (\S+)/.exec(kubeconfigText)![1]!;
  const ca = readFileSync(/certificate-authority: (\S+)/.exec(kubeconfigText)![1]!);
  const upstream = new URL(server);
  const watches: string[] = [];
  const gets: string[] = [];
  let fault: { n: number; path: RegExp; how: 'http' | 'stream' } | undefined;
  const proxy = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET') gets.push(url);
    if (req.method === 'GET' && /[?&]watch=true/.test(url)) {
      watches.push(url);
      if (fault && fault.n > 0 && fault.path.test(url.split('?')[0]!)) {
        fault.n--;
        if (fault.how === 'http') {
          res.writeHead(410, { 'Content-Type': 'application/json' }).end(JSON.stringify(EXPIRED));
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(`${JSON.stringify({ type: 'ERROR', object: EXPIRED })}\n`);
        }
        req.resume();
        return;
      }
    }
    const out = https.request(
      { host: upstream.hostname, port: upstream.port, path: url, method: req.method, headers: { ...req.headers, host: upstream.host }, ca },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as AddressInfo).port;
  return {
    kubeconfigText: kubeconfigText
      .replace(/server: \S+/, `server: http://127.0.0.1:${port}`)
      .replace(/^\s*certificate-authority: .*\n/m, ''),
    watches,
    gets,
    goneNext: (n, path, how) => (fault = { n, path, how }),
    close: () => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(() => r()));
    },
  };
}
