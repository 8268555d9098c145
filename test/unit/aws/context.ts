/** A Context for core tests: the reference project, a recording IoHost, real AwsClients (mocked at the SDK). */
import { join } from 'node:path';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import type { Context } from '../../../src/core/context.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';

import { RecordingIo } from '../../helpers/io.js';
export { RecordingIo };

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export function testContext(opts: { env?: string; dir?: string; endpoint?: string; signal?: AbortSignal; answer?: boolean; patch?: (ctx: Context) => void } = {}): Context & { io: RecordingIo } {
  const project = loadProject(opts.dir ?? ROOT);
  const env = loadEnvironment(project, opts.env ?? 'demo');
  const io = new RecordingIo(opts.answer ?? true);
  const ctx = {
    project,
    env,
    io,
    options: { yes: true, dryRun: false, verbose: false, interactive: false, pollIntervalMs: 1 },
    aws: new AwsClients({ region: 'us-east-1', endpointUrl: opts.endpoint ?? 'http://127.0.0.1:9', maxAttempts: 3 }),
    signal: opts.signal ?? new AbortController().signal,
  };
  opts.patch?.(ctx);
  return ctx;
}
