/** Helpers for tests of records, locks and doctor (their Context comes from test/helpers/context.ts). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function addEnv(dir: string, name: string, yaml: string): void {
  mkdirSync(join(dir, 'environments'), { recursive: true });
  writeFileSync(join(dir, 'environments', `${name}.yml`), yaml);
}

/** The pid of a process that has just exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
  return Number(child.stdout.toString().trim());
}
