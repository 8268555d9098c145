/** An in-process Context for a Kubernetes environment of a test project, with a recording io. */
import type { Context } from '../../../src/core/context.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import type { ConfirmRequest, IoEvent, IoHost, Progress } from '../../../src/core/io.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';

export class RecordingIo implements IoHost {
  events: IoEvent[] = [];
  updates: Array<{ at: number; message: string }> = [];
  confirms: ConfirmRequest[] = [];
  constructor(public answer = true) {}
  emit(event: IoEvent): void {
    this.events.push(event);
  }
  progress(message: string): Progress {
    this.events.push({ level: 'info', code: 'progress', message });
    return { update: (m) => void this.updates.push({ at: performance.now(), message: m }), succeed: () => undefined, fail: () => undefined };
  }
  async confirm(request: ConfirmRequest): Promise<boolean> {
    this.confirms.push(request);
    return this.answer;
  }
  stream(): void {}
}

export function kubeContext(dir: string, envName: string, options: Partial<Context['options']> = {}, signal = new AbortController().signal): Context & { io: RecordingIo } {
  const project = loadProject(dir);
  return {
    project,
    env: loadEnvironment(project, envName),
    io: new RecordingIo(),
    signal,
    options: { yes: false, dryRun: false, verbose: false, interactive: false, pollIntervalMs: 20, ...options },
    aws: new AwsClients({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9' }),
  };
}
