/**
 * A private scratch directory per Ansible run under .fragctl/tmp (0700; files 0600), removed
 * afterwards even on failure, and by the process watchdog when fragctl is killed: the inventory,
 * the variables file and the vault password script never outlive the run.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { removeOnExit } from '../../providers/shell/supervisor.js';

export interface Workdir {
  dir: string;
  write(name: string, content: string, mode?: number): string;
  remove(): void;
}

export function makeWorkdir(ctx: Pick<Context, 'project'>): Workdir {
  const base = join(ctx.project.paths.state, 'tmp');
  mkdirSync(base, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(join(base, 'ansible-'));
  chmodSync(dir, 0o700);
  removeOnExit(dir); // by the process watchdog, should fragctl be killed before it removes the directory
  return {
    dir,
    write(name, content, mode = 0o600) {
      const file = join(dir, name);
      writeFileSync(file, content, { mode });
      chmodSync(file, mode);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs body with a fresh workdir and always removes it. */
export async function withWorkdir<T>(ctx: Pick<Context, 'project'>, body: (w: Workdir) => Promise<T>): Promise<T> {
  const w = makeWorkdir(ctx);
  try {
    return await body(w);
  } finally {
    w.remove();
  }
}
