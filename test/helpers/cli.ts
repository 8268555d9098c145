/**
 * Runs the real CLI in a child process, as an operator or a CI script would: no TTY, CI=true.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'fragctl.ts');
/** tsx by absolute URL: the CLI may run with a cwd outside the repository. */
export const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

export function fragctl(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        CI: 'true',
        NO_COLOR: '1',
        FRAGCTL_POLL_INTERVAL_MS: '20',
        PATH: `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`,
        ...options.env,
      },
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
