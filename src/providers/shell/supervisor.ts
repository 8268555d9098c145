/**
 * Children die with fragctl. Node has no PR_SET_PDEATHSIG, so one small watchdog per fragctl
 * process (a POSIX sh script, started detached in a session of its own, ignoring INT/TERM/HUP)
 * holds the read end of a pipe whose write end only fragctl holds (libuv opens it close-on-exec,
 * so no other child inherits it). fragctl tells it each child's process group (`+pgid`, `-pgid`).
 * When fragctl ends for any reason, kill -9 included, the kernel closes the pipe: the watchdog
 * reads EOF, sends SIGTERM to every group still registered and to every process that carries this
 * run's token in its environment (on Linux, read from /proc: that also catches what left its group,
 * such as ssh's ControlPersist master, which daemonizes into a session of its own), waits a grace
 * period, then sends SIGKILL to what is left, and removes the private directories fragctl named
 * (`r/path`: a killed run's inventory and variables file do not outlive it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { environ } from '../../core/environ.js';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { OperationError } from '../../core/errors.js';

/** Every supervised child (and its descendants, whatever session they move to) carries this variable. */
export const SUPERVISOR_ENV = 'FRAGCTL_SUPERVISOR';

const SCRIPT = `
trap '' INT TERM HUP PIPE
tok=$1; grace=$2; groups=; dirs=
nl='
'
echo ready
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) g=\${line#-}; left=; for x in $groups; do [ "$x" = "$g" ] || left="$left $x"; done; groups=$left ;;
    r/*) dirs="$dirs\${line#r}$nl" ;;
  esac
done
marked() {
  [ -d /proc/self ] || return 0
  for f in $(grep -lzxF "${SUPERVISOR_ENV}=$tok" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; echo "\${p%/environ}"
  done
}
signal() {
  alive=
  for g in $groups; do kill "-$1" -- "-$g" 2>/dev/null && alive=1; done
  for p in $(marked); do kill "-$1" "$p" 2>/dev/null && alive=1; done
  [ -n "$alive" ]
}
end() {
  printf '%s' "$dirs" | while IFS= read -r d; do [ -n "$d" ] && rm -rf -- "$d"; done
  exit 0
}
signal TERM || end
i=0
while [ "$i" -lt "$grace" ]; do
  sleep 0.1; i=$((i + 1))
  signal 0 || end
done
signal KILL
sleep 0.2
end
`;

export interface Supervisor {
  /** What a child's environment must carry. */
  env: Record<string, string>;
  watch(pgid: number): void;
  unwatch(pgid: number): void;
}

/** Milliseconds between SIGINT/SIGTERM and SIGKILL: FRAGCTL_KILL_GRACE_MS, default 5 s. */
export function killGraceMs(): number {
  const ms = Number(environ().FRAGCTL_KILL_GRACE_MS);
  return Number.isFinite(ms) && ms >= 0 && environ().FRAGCTL_KILL_GRACE_MS ? ms : 5000;
}

let started: Promise<Supervisor> | undefined;
let send: ((line: string) => void) | undefined;
const pendingDirs: string[] = [];

/**
 * A private directory (the run's inventory and variables) the watchdog removes when fragctl ends:
 * a killed run leaves no secrets behind. Removing it normally stays the caller's job.
 */
export function removeOnExit(dir: string): void {
  if (!dir.startsWith('/') || dir.includes('\n')) return;
  if (send) send(`r${dir}`);
  else pendingDirs.push(dir);
}

/** The process's watchdog, started on first use; a watchdog that cannot start is an error before any child runs. */
export function supervisor(): Promise<Supervisor> {
  started ??= startSupervisor().catch((e: unknown) => {
    started = undefined;
    throw e;
  });
  return started;
}

async function startSupervisor(): Promise<Supervisor> {
  const token = randomBytes(12).toString('hex');
  const shell = environ().FRAGCTL_SUPERVISOR_SHELL || '/bin/sh';
  const grace = String(Math.ceil(killGraceMs() / 100));
  const failed = (why: string): OperationError =>
    new OperationError(`cannot start the process supervisor (${shell}): ${why}; nothing was run`, {
      hint: 'fragctl runs every child process under a watchdog that ends it if fragctl dies; it needs a POSIX sh at /bin/sh (FRAGCTL_SUPERVISOR_SHELL names another)',
      code: 'SUPERVISOR_FAILED',
    });
  let child: ChildProcess;
  try {
    child = spawn(shell, ['-c', SCRIPT, 'fragctl-supervisor', token, grace], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { PATH: environ().PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
  } catch (e) {
    throw failed((e as Error).message);
  }
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(failed('it did not answer within 5 s')), 5000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(failed(e.message));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(failed(`it exited at once (exit ${code})`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.destroy();
  const stdin = child.stdin as Socket;
  let broken = false;
  stdin.on('error', () => (broken = true));
  // The watchdog must not keep fragctl alive: it ends when fragctl's end closes the pipe.
  child.unref();
  stdin.unref();
  const write = (line: string): void => {
    if (!broken) stdin.write(`${line}\n`);
  };
  send = write;
  for (const dir of pendingDirs.splice(0)) write(`r${dir}`);
  return { env: { [SUPERVISOR_ENV]: token }, watch: (g) => write(`+${g}`), unwatch: (g) => write(`-${g}`) };
}
