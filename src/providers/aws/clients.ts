/**
 * The one place AWS SDK clients are made: region, profile, endpoint override, timeouts, retries (the
 * SDK's adaptive mode handles throttling) and a counter of the calls each verb makes. Clients are
 * imported lazily so that verbs that never touch AWS start fast.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { UserError } from '../../core/errors.js';
import { environ } from '../../core/environ.js';

export interface AwsConfig {
  region: string;
  profile?: string;
  endpointUrl?: string;
  maxAttempts?: number;
  /** Milliseconds to open a connection, and to wait for an answer; a stalled endpoint fails, then is retried. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

interface MiddlewareClient {
  middlewareStack: { add: (mw: unknown, opts: { step: string; name: string }) => void };
  config: { credentials: () => Promise<unknown> };
}

export class AwsClients {
  /** `Service.Operation` → number of calls (retries not counted). */
  readonly calls = new Map<string, number>();
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly config: AwsConfig) {}

  get isLocalEndpoint(): boolean {
    return !!this.config.endpointUrl && /^https?:\/\/(127\.|localhost|\[::1\])/.test(this.config.endpointUrl);
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  cloudformation(): Promise<CloudFormationClient> {
    return this.make(
      'cloudformation',
      async () => new (await import('@aws-sdk/client-cloudformation')).CloudFormationClient(this.clientConfig()),
    );
  }
  ec2(): Promise<EC2Client> {
    return this.make('ec2', async () => new (await import('@aws-sdk/client-ec2')).EC2Client(this.clientConfig()));
  }
  rds(): Promise<RDSClient> {
    return this.make('rds', async () => new (await import('@aws-sdk/client-rds')).RDSClient(this.clientConfig()));
  }
  autoscaling(): Promise<AutoScalingClient> {
    return this.make('autoscaling', async () => new (await import('@aws-sdk/client-auto-scaling')).AutoScalingClient(this.clientConfig()));
  }
  dynamodb(): Promise<DynamoDBClient> {
    return this.make('dynamodb', async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(this.clientConfig()));
  }

  s3(): Promise<S3Client> {
    // Path-style addressing: a local endpoint has no per-bucket host names.
    return this.make(
      's3',
      async () => new (await import('@aws-sdk/client-s3')).S3Client({ ...this.clientConfig(), forcePathStyle: this.isLocalEndpoint }),
    );
  }
  ssm(): Promise<SSMClient> {
    return this.make('ssm', async () => new (await import('@aws-sdk/client-ssm')).SSMClient(this.clientConfig()));
  }

  /** Fails with a clear message when no credentials can be found, before anything is created. */
  async checkCredentials(): Promise<void> {
    const client = (await this.cloudformation()) as unknown as MiddlewareClient;
    try {
      await client.config.credentials();
    } catch (e) {
      throw new UserError(`no AWS credentials found (${(e as Error).message.split('\n')[0]})`, {
        hint: 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile, or point --endpoint-url at a local AWS endpoint',
        code: 'AWS_CREDENTIALS',
      });
    }
  }

  private clientConfig(): Record<string, unknown> {
    const { region, profile, endpointUrl, maxAttempts, connectTimeoutMs, requestTimeoutMs } = this.config;
    const config: Record<string, unknown> = {
      region,
      retryMode: 'adaptive',
      maxAttempts: maxAttempts ?? 6,
      // The SDK waits forever for a silent endpoint by default; a deploy tool must not hang. The
      // SDK treats a timed-out request as transient, so the retries above still apply.
      requestHandler: {
        connectionTimeout: connectTimeoutMs ?? 10_000,
        requestTimeout: requestTimeoutMs ?? 60_000,
        // Without it the handler only logs a warning (to the console) and keeps waiting.
        throwOnRequestTimeout: true,
      },
    };
    if (profile) config.profile = profile;
    // The SDK reads credentials from process.env; a run's own variables (an in-process run) come
    // first, in the same order of precedence as the SDK's chain (variables before profiles).
    const vars = environ();
    if (!profile && vars.AWS_ACCESS_KEY_ID && vars.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: vars.AWS_ACCESS_KEY_ID,
        secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
        sessionToken: vars.AWS_SESSION_TOKEN,
      };
    }
    if (endpointUrl) {
      config.endpoint = endpointUrl;
      // A local emulator accepts any credentials; use dummy ones unless the operator set real ones.
      if (this.isLocalEndpoint && !vars.AWS_ACCESS_KEY_ID && !profile) {
        config.credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
      }
    }
    return config;
  }

  private make<T>(key: string, create: () => Promise<T>): Promise<T> {
    let client = this.cache.get(key) as Promise<T> | undefined;
    if (!client) {
      client = create().then((c) => {
        this.countCalls(c as unknown as MiddlewareClient);
        return c;
      });
      this.cache.set(key, client);
    }
    return client;
  }

  private countCalls(client: MiddlewareClient): void {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: unknown) => {
        const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
        const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const key = `${service}.${op}`;
        this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'fragctlCallCounter' },
    );
  }
}
