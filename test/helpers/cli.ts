/**
 * Runs the CLI as an operator or a CI script would (no TTY, CI=true, NO_COLOR=1) and returns its
 * exit code and output. By default in this test process: `main(argv, host)` with its own streams,
 * variables and working directory, so runs never share process.env or process.stdout, even when
 * started together. `child: true` runs bin/fragctl.ts in a child process instead: for what needs a
 * process of its own (signals, races between processes, kill -9, the real stdio).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable, Writable } from 'node:stream';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'fragctl.ts');
/** tsx by absolute URL: the CLI may run with a cwd outside the repository. */
export const TSX = import.meta.resolve('tsx');

/**
 * Node's arguments to run one of the repository's TypeScript files (`bin/fragctl.ts`, a helper) in a
 * child process: its compiled copy on plain node when scripts/run-tests.mjs compiled the run
 * (FRAGCTL_TEST_BUILD), else the source through tsx (a file run on its own with `node --import tsx`).
 */
export function nodeScript(file: string): string[] {
  const build = process.env.FRAGCTL_TEST_BUILD;
  if (!build) return ['--import', TSX, file];
  return ['--enable-source-maps', join(build, relative(ROOT, file)).replace(/\.ts$/, '.js')];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Variables on top of this process's; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Run bin/fragctl.ts in a child process rather than in this one. */
  child?: boolean;
}

/**
 * FRAGCTL_TEST_CLI=child runs every call in a child process, as the suite did before `main()` could
 * run in-process: to check that the in-process harness hides nothing, and to measure what it saves.
 */
const ALL_CHILD = process.env.FRAGCTL_TEST_CLI === 'child';

export function fragctl(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return options.child || ALL_CHILD ? childCli(args, options) : runCli(args, options);
}

/** The variables a run sees: this process's, the CLI test defaults, then the test's own. */
function cliEnv(options: CliOptions): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    CI: 'true',
    NO_COLOR: '1',
    FRAGCTL_POLL_INTERVAL_MS: '20',
    PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`,
    ...options.env,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Collects what a run writes; `isTTY` stays unset, as on a pipe. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** `main(argv, host)` in this process, with the same result shape as a child run. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  // Loaded on first use: files that import only ROOT or copyProject do not load the CLI.
  const { main } = await import('../../src/cli/main.js');
  const stdout = collector();
  const stderr = collector();
  const limit = new AbortController();
  const host = {
    abortSignal: limit.signal,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([options.input ?? '']),
    env: cliEnv(options),
    cwd: options.cwd ?? ROOT,
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      stderr.stream.write(`\n[test helper] fragctl ${args.join(' ')} did not end within ${options.timeoutMs ?? 120_000} ms\n`);
      limit.abort(); // its waits stop, as on Ctrl-C
      resolve(-1);
    }, options.timeoutMs ?? 120_000);
  });
  try {
    const code = await Promise.race([main(args, host), timedOut]);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clearTimeout(timer);
  }
}

/** bin/fragctl.ts in a child process: its own pid, stdio pipes, signals. */
export function childCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeScript(BIN), ...args], {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A private copy of the reference ops project (formations, playbooks, environments). */
export function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-project-'));
  for (const part of ['formations', 'playbooks', 'environments', 'keys', 'kubernetes']) {
    // As in a fresh clone: no private keys (keys/*.pem are generated locally and never committed).
    cpSync(join(ROOT, part), join(dir, part), { recursive: true, filter: (src) => !/\.(pem|pub)$/.test(src) });
  }
  return dir;
}
