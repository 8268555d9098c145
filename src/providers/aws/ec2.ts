/** The EC2 calls fragctl makes (image instance, images, snapshots, host discovery), and nothing else. */
import type { Filter, Image, Instance, Tag } from '@aws-sdk/client-ec2';
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

export type { Image, Instance };

const toTags = (t: Record<string, string>): Tag[] => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
export const tagOf = (tags: Tag[] | undefined, key: string): string | undefined => tags?.find((t) => t.Key === key)?.Value;
export const tagFilters = (tags: Record<string, string>): Filter[] =>
  Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));

export interface LaunchInput {
  imageId: string;
  instanceType: string;
  keyName?: string;
  securityGroups?: string[];
  tags: Record<string, string>;
}

export async function runInstance(aws: AwsClients, input: LaunchInput): Promise<Instance> {
  const { RunInstancesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: input.imageId,
        InstanceType: input.instanceType as never,
        KeyName: input.keyName,
        SecurityGroups: input.securityGroups,
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: toTags(input.tags) },
          { ResourceType: 'volume', Tags: toTags(input.tags) },
        ],
      }),
    );
    const instance = out.Instances?.[0];
    if (!instance?.InstanceId) throw new Error('RunInstances returned no instance');
    return instance;
  } catch (e) {
    throw awsError('cannot launch the image instance', e);
  }
}

/** Instances matching the filters (every page), flattened out of their reservations. */
export async function describeInstances(aws: AwsClients, filters: Filter[], instanceIds?: string[]): Promise<Instance[]> {
  const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  const found: Instance[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await ec2.send(
        new DescribeInstancesCommand({ Filters: filters.length ? filters : undefined, InstanceIds: instanceIds, NextToken: token }),
      );
      for (const r of out.Reservations ?? []) found.push(...(r.Instances ?? []));
      token = out.NextToken;
    } while (token);
  } catch (e) {
    throw awsError('cannot describe instances', e);
  }
  return found;
}

export async function terminateInstances(aws: AwsClients, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const { TerminateInstancesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  } catch (e) {
    throw awsError(`cannot terminate ${ids.join(', ')}`, e);
  }
}

export async function createImage(aws: AwsClients, instanceId: string, name: string, tags: Record<string, string>): Promise<string> {
  const { CreateImageCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    const out = await ec2.send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: name,
        Description: `baked by fragctl from ${instanceId}`,
        TagSpecifications: [{ ResourceType: 'image', Tags: toTags(tags) }],
      }),
    );
    if (!out.ImageId) throw new Error('CreateImage returned no image ID');
    return out.ImageId;
  } catch (e) {
    throw awsError(`cannot create image ${name}`, e);
  }
}

/** Our own images matching the filters, or the given IDs. */
export async function describeImages(aws: AwsClients, filters: Filter[], imageIds?: string[]): Promise<Image[]> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    const out = await ec2.send(new DescribeImagesCommand(imageIds ? { ImageIds: imageIds } : { Owners: ['self'], Filters: filters }));
    return out.Images ?? [];
  } catch (e) {
    const name = (e as { name?: string }).name ?? '';
    if (imageIds && /InvalidAMIID/.test(name)) return [];
    throw awsError('cannot describe images', e);
  }
}

export async function deregisterImage(aws: AwsClients, imageId: string): Promise<void> {
  const { DeregisterImageCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
  } catch (e) {
    throw awsError(`cannot deregister ${imageId}`, e);
  }
}

export async function deleteSnapshot(aws: AwsClients, snapshotId: string): Promise<void> {
  const { DeleteSnapshotCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = await aws.ec2();
  try {
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
  } catch (e) {
    if (/InvalidSnapshot\.NotFound/.test((e as { name?: string }).name ?? '')) return;
    throw awsError(`cannot delete snapshot ${snapshotId}`, e);
  }
}

/** The EBS snapshots behind an image's block devices. */
export function imageSnapshots(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((b) => b.Ebs?.SnapshotId).filter((s): s is string => !!s);
}
