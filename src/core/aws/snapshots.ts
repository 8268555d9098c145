import type { Context } from '../context.js';
import { InterruptedError, OperationError } from '../errors.js';
import { createDbSnapshot, describeDbInstance, describeDbSnapshot, type DBInstance, type DBSnapshot } from '../../providers/aws/rds.js';
import { touched } from './preflight.js';
import { backoff, sleep } from './sleep.js';

export interface FinalSnapshot {
  dbInstance: string;
  snapshotId: string;
  status: string;
  restore: string;
  engine?: string;
  allocatedStorageGiB?: number;
  createdAt?: string;
}

/** Clocks differ between this machine and RDS: a snapshot this much "before" the stop still counts as after it. */
const CLOCK_SKEW_MS = 2000;

/**
 * A final snapshot of each database, waited for until every one is available, then verified
 * against its database: same engine and allocated size, taken after `notBefore` (the moment the
 * application was seen stopped).
 */
export async function takeFinalSnapshots(ctx: Context, dbInstances: string[], notBefore?: Date): Promise<FinalSnapshot[]> {
  if (!dbInstances.length) return [];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-').toLowerCase();
  const tags = { App: ctx.env.settings.app_name, Env: ctx.env.name, 'fragctl:final-snapshot': 'true' };
  const pending: FinalSnapshot[] = [];
  const sources = new Map<string, DBInstance | undefined>();
  for (const db of dbInstances) {
    sources.set(db, await describeDbInstance(ctx.aws, db));
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
      if (found && s.status === 'available') {
        try {
          verify(s, found, sources.get(s.dbInstance), notBefore);
        } catch (e) {
          progress.fail();
          throw e;
        }
      }
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
    await sleep(
      delay(),
      ctx.signal,
      () =>
        new InterruptedError('stopped waiting for the final snapshots; the stack was NOT deleted', {
          hint: `the snapshots go on in RDS; run \`fragctl ${ctx.env.name} decommission\` again to delete the stack after a new final snapshot`,
          code: 'WAIT_INTERRUPTED',
        }),
    );
  }
}

function verify(s: FinalSnapshot, snap: DBSnapshot, db: DBInstance | undefined, notBefore: Date | undefined): void {
  s.engine = snap.Engine;
  s.allocatedStorageGiB = snap.AllocatedStorage;
  s.createdAt = snap.SnapshotCreateTime?.toISOString();
  const wrong: string[] = [];
  if (db?.Engine && snap.Engine !== db.Engine) wrong.push(`engine ${snap.Engine ?? 'unknown'}, the database runs ${db.Engine}`);
  if (db?.AllocatedStorage && snap.AllocatedStorage !== db.AllocatedStorage)
    wrong.push(`size ${snap.AllocatedStorage ?? '?'} GiB, the database has ${db.AllocatedStorage} GiB`);
  if (notBefore && (!snap.SnapshotCreateTime || snap.SnapshotCreateTime.getTime() < notBefore.getTime() - CLOCK_SKEW_MS)) {
    wrong.push(`taken ${s.createdAt ?? 'at an unknown time'}, before the application stopped (${notBefore.toISOString()})`);
  }
  if (wrong.length) {
    throw new OperationError(
      `final snapshot ${s.snapshotId} of ${s.dbInstance} does not match: ${wrong.join('; ')}; the stack was NOT deleted`,
      {
        hint: 'check the snapshot in the RDS console, then run decommission again',
        code: 'SNAPSHOT_MISMATCH',
      },
    );
  }
}

function restoreCommand(ctx: Context, db: string, snapshotId: string): string {
  return `aws rds restore-db-instance-from-db-snapshot --region ${ctx.aws.config.region} --db-instance-identifier ${db} --db-snapshot-identifier ${snapshotId}`;
}
