/**
 * The one in-process Context for core tests: a loaded project and environment, a recording io,
 * real AwsClients (pointed at moto, or at a closed port when the SDK is mocked or unused).
 *
 * Defaults: a private copy of the reference project, environment `staging`, no `--yes`, polls every 20 ms.
 * `SDK_MOCKED` is the set used by tests that mock the AWS SDK: the repository's own project
 * (read only), environment `demo`, `--yes`, 1 ms polls and 3 attempts so failures come fast.
 */
import type { Context } from '../../src/core/context.js';
import { loadEnvironment, loadProject } from '../../src/core/config/project.js';
import { AwsClients } from '../../src/providers/aws/clients.js';
import { copyProject, ROOT } from './cli.js';
import { RecordingIo } from './io.js';

export { RecordingIo };

/** A port nothing listens on: AWS calls that are not mocked fail at once. */
export const CLOSED_ENDPOINT = 'http://127.0.0.1:9';

export interface TestContextOptions {
  /** Project root; default: a fresh private copy of the reference project. */
  dir?: string;
  /** Environment name; default `staging`. */
  env?: string;
  /** AWS endpoint (moto's URL); default a closed port. */
  endpointUrl?: string;
  /** SDK attempts per call; default the client's own. */
  maxAttempts?: number;
  io?: RecordingIo;
  /** The answer to confirmations when `io` is not given; default yes. */
  answer?: boolean | 'throw';
  signal?: AbortSignal;
  /** Run options over the defaults (`yes: false`, `pollIntervalMs: 20`). */
  options?: Partial<Context['options']>;
  /** A last change to the built Context. */
  patch?: (ctx: Context) => void;
}

export const SDK_MOCKED = {
  dir: ROOT,
  env: 'demo',
  maxAttempts: 3,
  options: { yes: true, pollIntervalMs: 1 },
} satisfies TestContextOptions;

export function testContext(opts: TestContextOptions = {}): Context & { io: RecordingIo } {
  const project = loadProject(opts.dir ?? copyProject());
  const ctx = {
    project,
    env: loadEnvironment(project, opts.env ?? 'staging'),
    io: opts.io ?? new RecordingIo(opts.answer ?? true),
    signal: opts.signal ?? new AbortController().signal,
    options: { yes: false, dryRun: false, verbose: false, interactive: false, pollIntervalMs: 20, ...opts.options },
    aws: new AwsClients({
      region: 'us-east-1',
      endpointUrl: opts.endpointUrl ?? CLOSED_ENDPOINT,
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    }),
  };
  opts.patch?.(ctx);
  return ctx;
}
