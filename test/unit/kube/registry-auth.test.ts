/**
 * The registry client answers auth challenges: Bearer tokens from the registry's token service
 * (with the credentials as Basic, or anonymous), and plain Basic. Tokens are redacted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from '../../../src/providers/registry/client.js';
import { redact } from '../../../src/core/redact.js';

let server: Server;
let url: string;
const TOKEN = 'tok-0123456789';
const BASIC = `Basic ${Buffer.from('ci:pw-secret').toString('base64')}`;
const tokenRequests: Array<{ auth?: string; scope: string | null }> = [];

describe('registry auth', () => {
  before(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/token') {
        tokenRequests.push({ auth: req.headers.authorization, scope: u.searchParams.get('scope') });
        if (req.headers.authorization !== BASIC) return void res.writeHead(401).end();
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
        return;
      }
      const bearer = u.pathname.startsWith('/v2/bearer/');
      const ok = bearer ? req.headers.authorization === `Bearer ${TOKEN}` : req.headers.authorization === BASIC;
      if (!ok) {
        const challenge = bearer ? `Bearer realm="${url}/token",service="test",scope="repository:bearer:pull"` : 'Basic realm="test"';
        res
          .writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ tags: ['latest-7'] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('gets a Bearer token with the credentials and reuses it', async () => {
    const client = new RegistryClient(url, { user: 'ci', password: 'pw-secret' });
    assert.deepEqual(await client.listTags('bearer'), ['latest-7']);
    assert.deepEqual(await client.listTags('bearer'), ['latest-7']);
    assert.equal(tokenRequests.length, 1);
    assert.equal(tokenRequests[0]!.scope, 'repository:bearer:pull');
    assert.equal(redact(`t=${TOKEN} p=pw-secret`), 't=******** p=********');
  });

  it('answers a Basic challenge', async () => {
    assert.deepEqual(await new RegistryClient(url, { user: 'ci', password: 'pw-secret' }).listTags('basic'), ['latest-7']);
  });

  it('without credentials the 401 is a clear error', async () => {
    await assert.rejects(
      new RegistryClient(url).listTags('basic'),
      /the registry could not list the tags of basic: HTTP 401 UNAUTHORIZED: authentication required/,
    );
  });
});
