/** The S3 calls fragctl makes (the configuration bundle of self-configuring instances), and nothing else. */
import type { AwsClients } from './clients.js';
import { awsError } from './cloudformation.js';

/** True when the object exists (one HeadObject call). */
export async function objectExists(aws: AwsClients, bucket: string, key: string): Promise<boolean> {
  const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = await aws.s3();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404) return false;
    throw awsError(`cannot read s3://${bucket}/${key}`, e);
  }
}

export async function putObject(aws: AwsClients, bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = await aws.s3();
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  } catch (e) {
    throw awsError(`cannot upload s3://${bucket}/${key}`, e);
  }
}
