/** The RDS calls fragctl makes (final snapshots before a decommission), and nothing else. */
import type { DBSnapshot } from '@aws-sdk/client-rds';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export type { DBSnapshot };

export async function createDbSnapshot(aws: AwsClients, dbInstance: string, snapshotId: string, tags: Record<string, string>): Promise<DBSnapshot> {
  const { CreateDBSnapshotCommand } = await import('@aws-sdk/client-rds');
  const rds = await aws.rds();
  try {
    const out = await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: dbInstance,
        DBSnapshotIdentifier: snapshotId,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return out.DBSnapshot ?? { DBSnapshotIdentifier: snapshotId, Status: 'creating' };
  } catch (e) {
    throw awsError(`cannot snapshot database ${dbInstance}`, e);
  }
}

export async function describeDbSnapshot(aws: AwsClients, snapshotId: string): Promise<DBSnapshot | undefined> {
  const { DescribeDBSnapshotsCommand } = await import('@aws-sdk/client-rds');
  const rds = await aws.rds();
  try {
    const out = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }));
    return out.DBSnapshots?.[0];
  } catch (e) {
    if (/DBSnapshotNotFound/.test((e as { name?: string }).name ?? '')) return undefined;
    throw awsError(`cannot describe snapshot ${snapshotId}`, e);
  }
}
