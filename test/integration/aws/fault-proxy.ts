/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of moto: a share of requests is answered
 * with a throttling error in the service's own error format, another share has its connection
 * dropped before it reaches moto. Faults follow a fixed pattern over the requests as they arrive, and
 * a client's last attempt (the SDK's `amz-sdk-request: attempt=N; max=M` header) always passes: the
 * test is whether fragctl's retries absorb faults, not whether they outlast any fault rate, and calls
 * running side by side decide which attempt of which call a pattern slot falls on.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface FaultProxy {
  url: string;
  stats: { requests: number; throttled: number; dropped: number; passed: number };
  close(): Promise<void>;
}

export interface FaultPattern {
  /** Throttle request n when n % throttleEvery === 0. */
  throttleEvery: number;
  /** Drop request n when n % dropEvery === 0 (and it was not throttled). */
  dropEvery: number;
  /** Rewrites response bodies (e.g. to hold a stack in progress). */
  rewrite?: (body: string) => string;
}

const EC2_VERSION = 'Version=2016-11-15';

function throttleBody(body: string): string {
  if (body.includes(EC2_VERSION)) {
    return '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>fault</RequestID></Response>';
  }
  return '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>';
}

export async function startFaultProxy(target: string, pattern: FaultPattern): Promise<FaultProxy> {
  const upstream = new URL(target);
  const stats = { requests: 0, throttled: 0, dropped: 0, passed: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++stats.requests;
      const body = Buffer.concat(chunks);
      const attempt = /attempt=(\d+);\s*max=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
      const lastAttempt = attempt !== null && Number(attempt[1]) >= Number(attempt[2]);
      if (!lastAttempt && n % pattern.throttleEvery === 0) {
        stats.throttled++;
        if (String(req.headers['content-type'] ?? '').includes('amz-json')) {
          // JSON-protocol services (DynamoDB: the lock and run-record table).
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(throttleBody(body.toString()));
        return;
      }
      if (!lastAttempt && n % pattern.dropEvery === 0) {
        stats.dropped++;
        req.socket.destroy();
        return;
      }
      stats.passed++;
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (up) => {
          const rewrite = pattern.rewrite;
          if (!rewrite) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const text = rewrite(Buffer.concat(parts).toString());
            const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(text)) };
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(text);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
