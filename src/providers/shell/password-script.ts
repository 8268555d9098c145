/** Runs an executable password file (Ansible's convention) and returns what it prints. */
import { execFileSync } from 'node:child_process';
import { environ } from '../../core/environ.js';

export function runPasswordScript(file: string): string {
  return execFileSync(file, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...environ() } });
}
