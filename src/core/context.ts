import type { AwsClients } from '../providers/aws/clients.js';
import type { Environment, Project } from './config/project.js';
import type { IoHost } from './io.js';

export interface RunOptions {
  /** Confirmations are answered yes. */
  yes: boolean;
  dryRun: boolean;
  verbose: boolean;
  /** A person can be asked (a TTY, not --json, not CI). */
  interactive: boolean;
  /** Milliseconds between polls of AWS or Kubernetes; small in tests. */
  pollIntervalMs: number;
  vaultPasswordFile?: string;
  /** Carried by the environment's lock while this run holds it (`--message`). */
  lockMessage?: string;
  /** Lock lease length and heartbeat; DEFAULT_LEASE when absent. */
  lease?: { leaseMs: number; heartbeatMs: number };
}

/** One per run, built once by the CLI: what a core operation needs to know and to talk to. */
export interface Context {
  project: Project;
  env: Environment;
  io: IoHost;
  options: RunOptions;
  aws: AwsClients;
  /** Aborted on Ctrl-C: waits stop, operations already started on AWS carry on. */
  signal: AbortSignal;
}
