/**
 * SSH test hosts: one real sshd per host on its own loopback address (127.0.0.2, 127.0.0.3, ...),
 * each with a generated ed25519 host key, its own config, pid file and log, accepting one
 * generated user key. The test user (root here) logs in as itself. Hosts share this machine's
 * filesystem, so each gets a deploy root of its own to tell apart what it received.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './moto.js';

export interface SshHost {
  name: string;
  address: string;
  port: number;
  user: string;
  /** The per-host deploy root (a directory on this machine). */
  deployRoot: string;
  log: string;
}

export interface SshHosts {
  hosts: SshHost[];
  /** The private key that logs in to every host (0600). */
  privateKey: string;
  dir: string;
  /** Stops one host (to make it unreachable). */
  stopHost(name: string): Promise<void>;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';
// The run's bytecode cache for Ansible's modules (test/helpers/pyc/sitecustomize.py), when set.
const PYC_ENV = process.env.FRAGCTL_TEST_PYC_DIR
  ? [`"PYTHONPATH=${process.env.PYTHONPATH ?? ''}"`, `"FRAGCTL_TEST_PYC_DIR=${process.env.FRAGCTL_TEST_PYC_DIR}"`]
  : [];

export async function startSshHosts(count: number, opts: { firstOctet?: number; port?: number } = {}): Promise<SshHosts> {
  if (!existsSync(SSHD)) throw new Error('sshd is not installed: run `bash scripts/setup.sh` (apt-get install openssh-server)');
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'fragctl-sshd-'));
  chmodSync(dir, 0o755);
  const privateKey = join(dir, 'user_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fragctl-test', '-f', privateKey]);
  chmodSync(privateKey, 0o600);
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${privateKey}.pub`), { mode: 0o644 });
  // A free port, so that test files (or other suites) running at the same time do not collide.
  const port = opts.port ?? (await freePort());
  const user = userInfo().username;
  const hosts: SshHost[] = [];
  const pids = new Map<string, string>();
  for (let n = 0; n < count; n++) {
    const name = `host${n + 1}`;
    const address = `127.0.0.${(opts.firstOctet ?? 2) + n}`;
    const hostKey = join(dir, `${name}_host_key`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const deployRoot = join(dir, 'roots', name);
    mkdirSync(deployRoot, { recursive: true });
    // A home of the host's own, as a server has: the session's shell (bash, started by sshd) reads
    // ~/.bashrc, and the tester's (here pyenv's init and its shims first on PATH) is no server's.
    // With it every Ansible task paid ~90 ms of shell start-up and ~70 ms of pyenv's python shim.
    const home = join(dir, 'homes', name);
    mkdirSync(home, { recursive: true });
    const config = join(dir, `${name}.sshd_config`);
    const pidFile = join(dir, `${name}.pid`);
    const log = join(dir, `${name}.log`);
    writeFileSync(
      config,
      [
        `ListenAddress ${address}:${port}`,
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${authorized}`,
        `PidFile ${pidFile}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'MaxStartups 50:30:100',
        'MaxSessions 50',
        'LogLevel VERBOSE',
        'Subsystem sftp internal-sftp',
        ['SetEnv', `"HOME=${home}"`, ...PYC_ENV].join(' '),
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve, reject) => {
      const child = spawn(SSHD, ['-f', config, '-E', log], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sshd for ${name} exited ${code}: ${safeRead(log)}`))));
    });
    pids.set(name, pidFile);
    await waitForPort(address, port, log);
    hosts.push({ name, address, port, user, deployRoot, log });
  }
  const stopHost = async (name: string): Promise<void> => {
    const pidFile = pids.get(name);
    if (!pidFile || !existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    pids.delete(name);
  };
  return {
    hosts,
    privateKey,
    dir,
    stopHost,
    async stop() {
      for (const name of [...pids.keys()]) await stopHost(name);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

async function waitForPort(host: string, port: number, log: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host, port }, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on ${host}:${port} did not answer: ${safeRead(log)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
