/**
 * The pre-run check (`ansible-playbook --list-hosts`) is skipped when nothing it reads has
 * changed since it last passed: every file under playbooks/ (roles, group_vars, the vault file),
 * the playbooks named, the inventory and variables the run gets, and the ansible-playbook
 * program itself. The key is a SHA-256 of all of that; what the check found (each play's hosts)
 * is kept beside it, one file per environment under .fragctl/checked/. Only a passed check is kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Context } from '../context.js';
import type { ListedPlay } from './host-patterns.js';

export interface CheckInputs {
  playbooks: string[];
  inventory: unknown;
  vars: unknown;
  /** The ansible-playbook program (its path, size and modification time stand for its version). */
  program: string;
}

function cacheFile(ctx: Pick<Context, 'project' | 'env'>): string {
  return join(ctx.project.paths.state, 'checked', `${ctx.env.name}.json`);
}

function treeHash(root: string, hash: ReturnType<typeof createHash>, dir = root): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) treeHash(root, hash, p);
    else if (e.isFile()) hash.update(`\0${relative(root, p)}\0`).update(readFileSync(p));
  }
}

export function checkInputsHash(ctx: Pick<Context, 'project'>, inputs: CheckInputs): string {
  const hash = createHash('sha256');
  const program = statSync(inputs.program);
  hash.update(JSON.stringify([inputs.playbooks, inputs.inventory, inputs.vars, inputs.program, program.size, program.mtimeMs]));
  treeHash(ctx.project.paths.playbooks, hash);
  return hash.digest('hex');
}

/** What the last passed check with these inputs found, or undefined (never checked, or changed since). */
export function cachedCheck(ctx: Pick<Context, 'project' | 'env'>, key: string): ListedPlay[] | undefined {
  try {
    const c = JSON.parse(readFileSync(cacheFile(ctx), 'utf8')) as { key?: string; listed?: ListedPlay[] };
    return c.key === key && Array.isArray(c.listed) ? c.listed : undefined;
  } catch {
    return undefined; // none yet, or unreadable: check again
  }
}

export function rememberCheck(ctx: Pick<Context, 'project' | 'env'>, key: string, listed: ListedPlay[]): void {
  const file = cacheFile(ctx);
  mkdirSync(join(ctx.project.paths.state, 'checked'), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ key, listed })}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
