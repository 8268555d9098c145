/**
 * One "host" racing for DynamoDB locks on moto: reads a round name per stdin line, tries to take
 * the lock of that environment through the real DynamoLock, and answers `<round> won|lost`.
 * argv: endpointUrl table who
 */
import { createInterface } from 'node:readline';
import { DynamoLock } from '../../../src/core/locks/dynamo-lock.js';
import { LockHeldError } from '../../../src/core/locks/types.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';

const [endpointUrl, table, who] = process.argv.slice(2) as [string, string, string];
const aws = new AwsClients({ region: 'us-east-1', endpointUrl });
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const round of lines) {
  const now = Date.now();
  const holder = {
    runId: `${who}-${round}`,
    who,
    host: who,
    pid: process.pid,
    since: new Date(now).toISOString(),
    verb: 'deploy',
    heartbeat: new Date(now).toISOString(),
    expires: new Date(now + 60_000).toISOString(),
  };
  try {
    await new DynamoLock(aws, table, round).acquire(holder);
    process.stdout.write(`${round} won\n`);
  } catch (e) {
    process.stdout.write(`${round} ${e instanceof LockHeldError ? 'lost' : `error ${(e as Error).message}`}\n`);
  }
}
