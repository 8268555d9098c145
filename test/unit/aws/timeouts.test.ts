/**
 * A silent AWS endpoint fails the call instead of hanging the run. moto always answers, so the
 * endpoint here is a loopback socket that reads the request and never replies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AwsClients } from '../../../src/providers/aws/clients.js';
import { describeStack } from '../../../src/providers/aws/cloudformation.js';
import type { OperationError } from '../../../src/core/errors.js';

describe('AWS clients: request timeouts', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let requests = 0;
  before(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => requests++);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on an endpoint that never answers after each try times out, with the unreachable hint', async () => {
    const endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const aws = new AwsClients({ region: 'us-east-1', endpointUrl, maxAttempts: 2, requestTimeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(describeStack(aws, 'shop-qa'), (e: OperationError) => {
      assert.equal(e.code, 'AWS_UNREACHABLE');
      assert.match(e.hint ?? '', /cannot be reached/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 600 && took < 10_000, `took ${took} ms`);
    assert.equal(requests, 2);
  });
});
