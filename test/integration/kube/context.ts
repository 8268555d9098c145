/** An in-process Context for a Kubernetes environment of a test project, with a recording io. */
import type { Context } from '../../../src/core/context.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';

import { RecordingIo } from '../../helpers/io.js';
export { RecordingIo };

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
