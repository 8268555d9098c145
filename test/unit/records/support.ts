/** A Context for core tests of records, locks, plan and doctor: a private project copy and a recording io. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../../../src/core/context.js';
import { loadEnvironment, loadProject } from '../../../src/core/config/project.js';
import { AwsClients } from '../../../src/providers/aws/clients.js';
import { copyProject } from '../../helpers/cli.js';

import { RecordingIo } from '../../helpers/io.js';
export { RecordingIo };

export interface TestContextOptions {
  dir?: string;
  env?: string;
  endpointUrl?: string;
  io?: RecordingIo;
  signal?: AbortSignal;
}

export function addEnv(dir: string, name: string, yaml: string): void {
  mkdirSync(join(dir, 'environments'), { recursive: true });
  writeFileSync(join(dir, 'environments', `${name}.yml`), yaml);
}

export function testContext(opts: TestContextOptions = {}): Context & { io: RecordingIo } {
  const dir = opts.dir ?? copyProject();
  const project = loadProject(dir);
  const env = loadEnvironment(project, opts.env ?? 'staging');
  const io = opts.io ?? new RecordingIo();
  return {
    project,
    env,
    io,
    signal: opts.signal ?? new AbortController().signal,
    options: { yes: false, dryRun: false, verbose: false, interactive: false, pollIntervalMs: 20 },
    aws: new AwsClients({ region: 'us-east-1', endpointUrl: opts.endpointUrl ?? 'http://127.0.0.1:9' }),
  };
}

/** The pid of a process that has just exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
  return Number(child.stdout.toString().trim());
}
