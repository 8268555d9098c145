/** A Context for core tests: the reference project, a recording IoHost, real AwsClients (mocked at the SDK). */
import { join } from 'node:path';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import type { Context } from '../../../src/core/context.js';
import type { ConfirmRequest, IoEvent, IoHost, Progress } from '../../../src/core/io.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';

export class RecordingIo implements IoHost {
  events: IoEvent[] = [];
  confirms: ConfirmRequest[] = [];
  constructor(public answer = true) {}
  emit(event: IoEvent): void {
    this.events.push(event);
  }
  progress(message: string): Progress {
    this.events.push({ level: 'info', code: 'progress', message });
    return { update: () => undefined, succeed: () => undefined, fail: () => undefined };
  }
  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.confirms.push(request);
    return this.answer;
  }
  stream(): void {}
  codes(code: string): IoEvent[] {
    return this.events.filter((e) => e.code === code);
  }
}

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
