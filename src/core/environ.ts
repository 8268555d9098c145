/**
 * The environment variables and working directory of the current run: the one place fragctl
 * reads them. The CLI edge (bin/fragctl.ts) reads process.env and process.cwd() once and runs
 * the verb inside `withEnviron`; everything below asks `environ()` / `workingDir()`. Runs started
 * in-process (tests) each see their own variables, so concurrent runs in one process never share
 * or mutate process.env. Outside a run (unit tests calling the core directly) the process's own
 * values are used.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Environ = Readonly<Record<string, string | undefined>>;

interface RunEnviron {
  vars: Environ;
  cwd: string;
}

const current = new AsyncLocalStorage<RunEnviron>();

/** Runs `fn` (and everything it starts, timers and callbacks included) with these variables and cwd. */
export function withEnviron<T>(vars: Environ, cwd: string, fn: () => T): T {
  return current.run({ vars, cwd }, fn);
}

/** The environment variables of the current run. */
export function environ(): Environ {
  return current.getStore()?.vars ?? process.env;
}

/** The working directory of the current run: where relative paths given by the operator start. */
export function workingDir(): string {
  return current.getStore()?.cwd ?? process.cwd();
}
