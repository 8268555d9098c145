import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { createDbSnapshot, describeDbSnapshot } from '../../providers/aws/rds.js';
import { touched } from './preflight.js';
import { backoff, sleep } from './sleep.js';

export interface FinalSnapshot {
  dbInstance: string;
  snapshotId: string;
  status: string;
  restore: string;
}

/** A final snapshot of each database, waited for until every one is available. */
export async function takeFinalSnapshots(ctx: Context, dbInstances: string[]): Promise<FinalSnapshot[]> {
  if (!dbInstances.length) return [];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-').toLowerCase();
  const tags = { App: ctx.env.settings.app_name, Env: ctx.env.name, 'fragctl:final-snapshot': 'true' };
  const pending: FinalSnapshot[] = [];
  for (const db of dbInstances) {
    const snapshotId = `${db}-final-${stamp}`.slice(0, 255);
    const snap = await createDbSnapshot(ctx.aws, db, snapshotId, tags);
    pending.push({ dbInstance: db, snapshotId, status: snap.Status ?? 'creating', restore: restoreCommand(ctx, db, snapshotId) });
  }
  touched(ctx, `final snapshots ${pending.map((s) => s.snapshotId).join(', ')}`, { snapshotIds: pending.map((s) => s.snapshotId) });
  const progress = ctx.io.progress(`waiting for final snapshot(s) ${pending.map((s) => s.snapshotId).join(', ')}`);
  const delay = backoff(ctx.options.pollIntervalMs);
  for (;;) {
    for (const s of pending.filter((p) => p.status !== 'available')) {
      const found = await describeDbSnapshot(ctx.aws, s.snapshotId);
      s.status = found?.Status ?? 'missing';
      if (s.status === 'failed' || s.status === 'missing') {
        progress.fail();
        throw new OperationError(`final snapshot ${s.snapshotId} of ${s.dbInstance} is ${s.status}; the stack was NOT deleted`, {
          hint: 'check the database in the RDS console, then run decommission again',
          code: 'SNAPSHOT_FAILED',
        });
      }
    }
    if (pending.every((s) => s.status === 'available')) {
      progress.succeed(`final snapshot(s) available: ${pending.map((s) => s.snapshotId).join(', ')}`);
      return pending;
    }
    await sleep(delay(), ctx.signal, () =>
      new InterruptedError('stopped waiting for the final snapshots; the stack was NOT deleted', {
        hint: `the snapshots go on in RDS; run \`fragctl ${ctx.env.name} decommission\` again to delete the stack after a new final snapshot`,
        code: 'WAIT_INTERRUPTED',
      }),
    );
  }
}

function restoreCommand(ctx: Context, db: string, snapshotId: string): string {
  return `aws rds restore-db-instance-from-db-snapshot --region ${ctx.aws.config.region} --db-instance-identifier ${db} --db-snapshot-identifier ${snapshotId}`;
}
