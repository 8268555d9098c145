import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import type { Platform, Project } from '../core/config/project.js';
import type { CliHost } from './host.js';
import type { CliIoHost } from './io-host.js';

export interface GlobalOptions {
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  verbose: boolean;
  color: boolean;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  projectDir: string;
  vaultPasswordFile?: string;
  /** `--message`: carried by the lock of a changing run. */
  message?: string;
}

/** What a command file receives: the global options, the CLI's io, and lazily built state. */
export interface CliRun {
  global: GlobalOptions;
  io: CliIoHost;
  /** The streams, variables, cwd and signals the run was started with. */
  host: CliHost;
  argv: string[];
  /** The environment named on the command line (env verbs only). */
  envName?: string;
  project(): Project;
  /** The run's context (env verbs only); built once. */
  context(): Context;
  /** The verb table, for verbs that describe the others (completion). */
  verbs: readonly VerbEntry[];
  signal: AbortSignal;
  /** Stops the run's waits (Ctrl-C, SIGTERM): operations already started go on. */
  abort(): void;
}

/** A row of the verb table (src/cli/verbs.ts). */
export interface VerbEntry {
  name: string;
  summary: string;
  scope: 'global' | 'env';
  mutating: boolean;
  /** A verb may have one entry per platform (deploy on AWS and on Kubernetes), each with its own file. */
  platforms: readonly Platform[];
  load: () => Promise<{ default: Verb<never> }>;
}

export interface Verb<O = Record<string, unknown>> {
  /** Positional arguments after the verb, commander syntax, e.g. "<task>". */
  arguments?: string;
  /**
   * The verb honours --dry-run: under it, it changes nothing. A changing verb without it refuses
   * --dry-run (exit 2) rather than run for real, unlocked and unrecorded.
   */
  dryRun?: true;
  configure?(cmd: Command): void;
  /** Checks that need the environment but change nothing, run before the lock is taken. */
  before?(run: CliRun, opts: O): Promise<void>;
  run(run: CliRun, opts: O, args: string[]): Promise<number | void>;
}

export function defineVerb<O = Record<string, unknown>>(verb: Verb<O>): Verb<O> {
  return verb;
}
