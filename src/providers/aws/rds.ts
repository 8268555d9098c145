/** The RDS calls fragctl makes (final snapshots before a decommission, verified against the database), and nothing else. */
import type { DBInstance, DBSnapshot } from '@aws-sdk/client-rds';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export type { DBInstance, DBSnapshot };

export async function createDbSnapshot(
  aws: AwsClients,
  dbInstance: string,
  snapshotId: string,
  tags: Record<string, string>,
): Promise<DBSnapshot> {
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

export async function describeDbInstance(aws: AwsClients, dbInstance: string): Promise<DBInstance | undefined> {
  const { DescribeDBInstancesCommand } = await import('@aws-sdk/client-rds');
  const rds = await aws.rds();
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: dbInstance }));
    return out.DBInstances?.[0];
  } catch (e) {
    if (/DBInstanceNotFound/.test((e as { name?: string }).name ?? '')) return undefined;
    throw awsError(`cannot describe database ${dbInstance}`, e);
  }
}

/** The snapshots of one database (for the ones CloudFormation takes on delete: DeletionPolicy Snapshot). */
export async function listDbSnapshots(aws: AwsClients, dbInstance: string): Promise<DBSnapshot[]> {
  const { DescribeDBSnapshotsCommand } = await import('@aws-sdk/client-rds');
  const rds = await aws.rds();
  try {
    const out = await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: dbInstance }));
    return out.DBSnapshots ?? [];
  } catch (e) {
    if (/DBInstanceNotFound/.test((e as { name?: string }).name ?? '')) return [];
    throw awsError(`cannot list the snapshots of ${dbInstance}`, e);
  }
}
