/**
 * The local AWS endpoint for integration tests: a real moto server on a free loopback port,
 * started by the test itself and stopped at the end. A missing moto is a failure, not a skip:
 * `bash scripts/setup.sh` installs it into .venv.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
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

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const [command, args] = motoCommand(port);
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
