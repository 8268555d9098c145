/** Runs an executable password file (Ansible's convention) and returns what it prints. */
import { execFileSync } from 'node:child_process';

export function runPasswordScript(file: string): string {
  return execFileSync(file, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
