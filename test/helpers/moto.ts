/**
 * The local AWS endpoint for integration tests: a real moto server on a free loopback port,
 * started by the test itself and stopped at the end. A missing moto is a failure, not a skip:
 * `bash scripts/setup.sh` installs it into .venv.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Moto {
  url: string;
  port: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

export function motoBinary(): string {
  const venv = join(ROOT, '.venv', 'bin', 'moto_server');
  if (existsSync(venv)) return venv;
  throw new Error('moto_server is not installed: run `bash scripts/setup.sh` (npm test does it)');
}

/** moto from the project's venv, one request at a time: see moto-serial.py for why. */
function motoCommand(port: number): [string, string[]] {
  motoBinary();
  const python = join(ROOT, '.venv', 'bin', 'python');
  return [python, [join(import.meta.dirname, 'moto-serial.py'), '-H', '127.0.0.1', '-p', String(port)]];
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A moto server of this test's own: forked by the run's zygote when there is one, else started here. */
interface Server {
  /** Why it is not serving, when it has ended. */
  exited(): string | undefined;
  kill(signal: NodeJS.Signals): void;
  stopped(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const zygote = process.env.FRAGCTL_TEST_MOTO_ZYGOTE;
  const server = zygote ? await forked(zygote, port) : spawned(port);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const exited = server.exited();
    if (exited !== undefined) throw new Error(`moto_server exited: ${exited}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${url}: ${server.exited() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, zygote ? 20 : 100));
  }
  return {
    url,
    port,
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      await server.stopped();
    },
  };
}

function spawned(port: number): Server {
  const [command, args] = motoCommand(port);
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  return {
    exited: () => (child.exitCode === null && child.signalCode === null ? undefined : stderr),
    kill: (signal) => child.kill(signal),
    stopped: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
  };
}

/**
 * A server forked by scripts/run-tests.mjs's zygote (moto-zygote.py), which loaded moto's backends
 * once for the whole run. Its CPU is not this process's child time, so stop() adds it to the count
 * scripts/test-cpu.mjs reports.
 */
async function forked(socket: string, port: number): Promise<Server> {
  const log = join(mkdtempSync(join(tmpdir(), 'moto-')), 'server.log');
  const { pid, start } = await askZygote(socket, JSON.stringify({ port, log }));
  // Pids are reused (a run starts tens of thousands of processes; pid_max may be 32768): the server is
  // the process with its pid and its start time, and nothing else is ever signalled.
  const alive = () => start !== '' && procStat(pid)?.[19] === start;
  const send = (signal: NodeJS.Signals) => {
    try {
      if (alive()) process.kill(pid, signal);
    } catch {
      // it has ended
    }
  };
  const logTail = () => (existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '');
  return {
    exited: () => (alive() ? undefined : logTail()),
    kill: (signal) => send(signal),
    async stopped() {
      if (!alive()) return;
      countPeerCpu(pid);
      send('SIGTERM');
      for (const deadline = Date.now() + 3000; alive();) {
        if (Date.now() > deadline) send('SIGKILL');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** The fields of /proc/<pid>/stat from the state (3rd) on, or undefined when there is no such process. */
function procStat(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  } catch {
    return undefined;
  }
}

/** Sends the run's zygote one request; returns the forked server's pid and start time. */
function askZygote(socket: string, request: string): Promise<{ pid: number; start: string }> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let answer = '';
    conn.on('data', (d: Buffer) => (answer += d.toString()));
    conn.on('error', (e) => reject(new Error(`the run's moto zygote (${socket}) did not answer: ${e.message}`)));
    conn.on('end', () => {
      const reply = JSON.parse(answer || '{}') as { pid?: number; start?: string; error?: string };
      if (reply.pid) resolve({ pid: reply.pid, start: reply.start ?? '' });
      else reject(new Error(`the run's moto zygote refused: ${reply.error ?? 'no answer'}`));
    });
    conn.end(request + '\n');
  });
}

/** Where scripts/test-cpu.mjs finds the CPU of this process's peers that were not its children. */
const PEER_CPU = Symbol.for('fragctl.test.peerCpuMs');
const counts = globalThis as unknown as Record<symbol, number | undefined>;

/** The CPU (ms) of the forked servers this process has stopped, as scripts/test-cpu.mjs will add it. */
export const peerCpuCounted = (): number => counts[PEER_CPU] ?? 0;

/** Adds a peer's CPU (from /proc) to what scripts/test-cpu.mjs reports for this file. */
function countPeerCpu(pid: number): void {
  const fields = procStat(pid);
  if (!fields) return; // ended meanwhile
  const ms = (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime: ticks of 10 ms
  if (Number.isFinite(ms)) counts[PEER_CPU] = peerCpuCounted() + ms;
}
