/**
 * A changing run in its own process, as a second operator would start it: takes the environment's
 * lock through the real guard, then "works" for a while (writes a marker, waits, writes another).
 * argv: projectDir env endpointUrl markerDir holdMs [leaseMs]
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardedRun } from '../../../src/core/records/guard.js';
import { isFragError } from '../../../src/core/errors.js';
import { testContext } from '../../helpers/context.js';

const [dir, env, endpointUrl, markers, holdMs, leaseMs] = process.argv.slice(2) as [string, string, string, string, string, string?];
const ctx = testContext({ dir, env, endpointUrl });
if (leaseMs) ctx.options.lease = { leaseMs: Number(leaseMs), heartbeatMs: Math.max(50, Math.floor(Number(leaseMs) / 4)) };
try {
  await guardedRun(ctx, { verb: 'commission', args: [env, 'commission'], touched: [{ stack: `app-${env}` }] }, async () => {
    appendFileSync(join(markers, 'started'), `${process.pid}\n`);
    // waits as the verbs do: until the time is up or the run's signal aborts (Ctrl-C, lock lost)
    await new Promise<void>((r) => {
      const t = setTimeout(r, Number(holdMs));
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
    });
    appendFileSync(join(markers, 'finished'), `${process.pid}\n`);
  });
  process.stdout.write('done\n');
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n${isFragError(e) ? `code=${e.code} exit=${e.exitCode}\n` : ''}`);
  process.exitCode = isFragError(e) ? e.exitCode : 1;
}
