/**
 * Child processes fragctl runs (ansible-playbook, ssh, vagrant): found on PATH, run with execa in
 * a process group of their own under the watchdog of supervisor.ts, their output streamed line by
 * line to a callback. Aborting (Ctrl-C, SIGTERM) sends SIGINT to the group, SIGKILL after the
 * grace period, then ends what escaped the group (escaped.ts), and returns only once none of it is
 * left. A missing tool is a UserError with a hint.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { environ, workingDir } from '../../core/environ.js';
import { killGraceMs, supervisor } from './supervisor.js';
import { CHILD_MARK_ENV, endMarked, newChildMark } from './escaped.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Each chunk of stdout and stderr as it arrives. */
  onOutput?: (chunk: string) => void;
  signal?: AbortSignal;
  input?: string;
  /** Inherit the terminal (interactive ssh). */
  interactive?: boolean;
}

const INSTALL_HINTS: Record<string, string> = {
  'ansible-playbook':
    'install Ansible (`pip install ansible-core`, or `bash scripts/setup.sh` for the project venv) and put ansible-playbook on PATH',
  'ansible-galaxy':
    'install Ansible (`pip install ansible-core`) and put ansible-galaxy on PATH; it installs the roles of requirements.yml',
  ssh: 'install the OpenSSH client (apt-get install openssh-client)',
  vagrant: 'install Vagrant (https://developer.hashicorp.com/vagrant/install) or list the hosts under local.hosts in the environment file',
};

/** The absolute path of an executable on PATH, or a UserError naming what to install. */
export function which(tool: string, pathVar = environ().PATH ?? ''): string {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new UserError(`${tool} is not installed (not found on PATH)`, {
    hint: INSTALL_HINTS[tool] ?? `install ${tool} and put it on PATH`,
    code: 'TOOL_MISSING',
  });
}

export async function exec(file: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [{ execa }, sup] = await Promise.all([import('execa'), supervisor()]);
  const mark = newChildMark();
  const env = { ...childEnv(options), ...sup.env, [CHILD_MARK_ENV]: mark };
  if (options.interactive) {
    // On the operator's terminal: it stays in fragctl's process group (the terminal's foreground);
    // the watchdog still finds it by the token in its environment.
    const r = await execa(file, args, {
      cwd: options.cwd ?? workingDir(),
      env,
      extendEnv: false,
      stdio: 'inherit',
      reject: false,
      cancelSignal: options.signal,
    });
    return { exitCode: r.exitCode ?? 1, stdout: '', stderr: '' };
  }
  if (options.signal?.aborted) return { exitCode: 130, stdout: '', stderr: '' };
  // A process group of its own (setsid): fragctl ends the whole group, ansible-playbook's forks and ssh included.
  const child = execa(file, args, {
    cwd: options.cwd ?? workingDir(),
    env,
    extendEnv: false,
    reject: false,
    input: options.input ?? '',
    buffer: true,
    all: false,
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) sup.watch(pgid);
  if (options.onOutput) {
    const out = lineBuffer(options.onOutput);
    const err = lineBuffer(options.onOutput);
    child.stdout?.on('data', out.push);
    child.stderr?.on('data', err.push);
    child.stdout?.on('end', out.flush);
    child.stderr?.on('end', err.flush);
  }
  let interrupted = false;
  const onAbort = (): void => {
    interrupted = true;
    if (pgid !== undefined) void endGroup(pgid, 'SIGINT');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await child;
    // What the leader left behind in its group goes too; fragctl returns only once the group is empty.
    if (pgid !== undefined) await endGroup(pgid, 'SIGTERM');
    // Interrupted: also what left the group (Ansible's workers call setsid), before fragctl reports and exits.
    if (interrupted) await endMarked(mark, killGraceMs());
    return { exitCode: interrupted ? 130 : (r.exitCode ?? 1), stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (pgid !== undefined) sup.unwatch(pgid);
  }
}

/** Whole lines to the callback (a secret is never split between two chunks the redactor sees apart). */
function lineBuffer(onOutput: (chunk: string) => void): { push: (d: Buffer) => void; flush: () => void } {
  let rest = '';
  return {
    push: (d) => {
      const text = rest + d.toString();
      const cut = text.lastIndexOf('\n') + 1;
      rest = text.slice(cut);
      if (cut > 0) onOutput(text.slice(0, cut));
    },
    flush: () => {
      if (rest) onOutput(rest);
      rest = '';
    },
  };
}

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

const ending = new Map<number, Promise<void>>();

/** `signal` to the group, then SIGKILL after the grace period; resolves when the group is empty. */
export function endGroup(pgid: number, signal: NodeJS.Signals): Promise<void> {
  if (!groupAlive(pgid)) return Promise.resolve();
  const running = ending.get(pgid);
  if (running) return running;
  const done = (async () => {
    try {
      process.kill(-pgid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + killGraceMs();
    // Members killed but never reaped (a container whose init reaps nothing) stay visible: stop looking 2 s after SIGKILL.
    while (groupAlive(pgid) && Date.now() < deadline + 2000) {
      if (Date.now() >= deadline) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          return;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })().finally(() => ending.delete(pgid));
  ending.set(pgid, done);
  return done;
}

/** The run's variables (not necessarily this process's: runs may be in-process) plus the call's own. */
function childEnv(options: ExecOptions): Record<string, string | undefined> {
  return { ...environ(), ...options.env };
}
