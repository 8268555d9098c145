/**
 * What a CLI run is given by the process around it: streams, variables, working directory and
 * signals. The bin passes the real process (`processHost`); tests pass their own, so `main` runs
 * in the test process without touching process.env, process.stdout or signal handlers.
 */
import type { Environ } from '../core/environ.js';

export type HostOutput = NodeJS.WritableStream & { isTTY?: boolean };
export type HostInput = NodeJS.ReadableStream & { isTTY?: boolean };
export type HostSignal = 'SIGINT' | 'SIGTERM';

export interface CliHost {
  stdout: HostOutput;
  stderr: HostOutput;
  stdin: HostInput;
  env: Environ;
  cwd: string;
  /** Stops the run's waits when aborted, as Ctrl-C does (a test's time limit). */
  abortSignal?: AbortSignal;
  /** Ctrl-C and SIGTERM; absent in-process (a test has no terminal to interrupt it). */
  signals?: {
    on(signal: HostSignal, handler: () => void): () => void;
    /** A second interrupt: leave at once. */
    exitNow(code: number): void;
  };
}

/** The real process: only the bin calls this, so only the bin installs signal handlers. */
export function processHost(): CliHost {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signals: {
      on(signal, handler) {
        process.on(signal, handler);
        return () => process.off(signal, handler);
      },
      exitNow: (code) => process.exit(code),
    },
  };
}

/** True when a person sits at this terminal: a TTY on stdin and stderr, outside CI. */
export function isInteractive(host: Pick<CliHost, 'stdin' | 'stderr' | 'env'>): boolean {
  return !!host.stdin.isTTY && !!host.stderr.isTTY && !host.env.CI;
}
