/**
 * The pre-run check (`ansible-playbook --list-hosts`) is skipped when nothing it reads has
 * changed since it last passed: every file under playbooks/ (roles, group_vars, the vault file),
 * the playbooks named, the inventory and variables the run gets, and the ansible-playbook
 * program itself. The key is a SHA-256 of all of that; what the check found (each play's hosts)
 * is kept beside it, in one file per environment under .fragctl/checked/. Only a passed check is
 * kept. One command checks more than one set of inputs (commission: the image playbook on its
 * stand-in host, then the roles on the template's hosts), so the file keeps the last few.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Context } from '../context.js';
import type { ListedPlay } from './host-patterns.js';
import { recall, remember } from '../kept.js';

export interface CheckInputs {
  playbooks: string[];
  inventory: unknown;
  vars: unknown;
  /** The ansible-playbook program (its path, size and modification time stand for its version). */
  program: string;
}

/** How many passed checks an environment's file keeps (the newest). */
const KEPT = 8;

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

const isListed = (v: unknown): v is ListedPlay[] => Array.isArray(v);

/** What the last passed check with these inputs found, or undefined (never checked, or changed since). */
export function cachedCheck(ctx: Pick<Context, 'project' | 'env'>, key: string): ListedPlay[] | undefined {
  return recall(cacheFile(ctx), key, isListed);
}

export function rememberCheck(ctx: Pick<Context, 'project' | 'env'>, key: string, listed: ListedPlay[]): void {
  remember(cacheFile(ctx), key, listed, KEPT, isListed);
}
