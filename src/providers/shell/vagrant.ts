/** The vagrant calls behind `fragctl local up|destroy`: up, ssh-config, destroy. */
import { exec, which, type ExecResult } from './exec.js';
import { OperationError } from '../../core/errors.js';

export interface VagrantHost {
  name: string;
  address: string;
  port: number;
  user: string;
  identityFile?: string;
}

async function vagrant(args: string[], cwd: string, onOutput?: (c: string) => void): Promise<ExecResult> {
  const r = await exec(which('vagrant'), args, { cwd, onOutput, env: { VAGRANT_NO_COLOR: '1' } });
  if (r.exitCode !== 0) {
    throw new OperationError(
      `vagrant ${args[0]} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
      {
        hint: `run \`vagrant ${args.join(' ')}\` in ${cwd} to see the whole message`,
        code: 'VAGRANT_FAILED',
      },
    );
  }
  return r;
}

export const vagrantUp = (cwd: string, onOutput?: (c: string) => void): Promise<ExecResult> => vagrant(['up'], cwd, onOutput);
export const vagrantDestroy = (cwd: string, onOutput?: (c: string) => void): Promise<ExecResult> =>
  vagrant(['destroy', '-f'], cwd, onOutput);

export async function vagrantSshConfig(cwd: string): Promise<VagrantHost[]> {
  return parseSshConfig((await vagrant(['ssh-config'], cwd)).stdout);
}

/** Parses `vagrant ssh-config` output: Host blocks with HostName, Port, User, IdentityFile. */
export function parseSshConfig(text: string): VagrantHost[] {
  const hosts: VagrantHost[] = [];
  let cur: VagrantHost | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      cur = { name: value, address: value, port: 22, user: 'vagrant' };
      hosts.push(cur);
    } else if (cur) {
      if (key === 'hostname') cur.address = value;
      else if (key === 'port') cur.port = Number(value);
      else if (key === 'user') cur.user = value;
      else if (key === 'identityfile' && !cur.identityFile) cur.identityFile = value;
    }
  }
  return hosts;
}
