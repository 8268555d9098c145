/**
 * The roles and collections a project's requirements files name, installed with ansible-galaxy
 * into a folder keyed by the files' content (`.fragctl/galaxy/<hash>/{roles,collections}`), so an
 * unchanged file costs no galaxy call, a changed one gets a fresh folder, and a half-finished
 * install is never used (it is built beside the folder and renamed into place). Ansible finds them
 * through ANSIBLE_ROLES_PATH (after the project's own roles) and ANSIBLE_COLLECTIONS_PATH.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { info } from '../io.js';
import { redact } from '../redact.js';
import { ansibleGalaxy } from '../../providers/shell/ansible.js';

/** Where projects keep them, relative to playbooks/ (as Ansible and AWX look for them). */
export const REQUIREMENTS_FILES = ['requirements.yml', 'requirements.yaml', 'roles/requirements.yml', 'collections/requirements.yml'];

export interface InstalledRequirements {
  roles: string;
  collections: string;
}

interface RequirementsFile {
  /** Relative to the project, for messages. */
  shown: string;
  path: string;
  roles: boolean;
  collections: boolean;
}

function requirementsFiles(ctx: Pick<Context, 'project'>): RequirementsFile[] {
  const files: RequirementsFile[] = [];
  for (const rel of REQUIREMENTS_FILES) {
    const path = join(ctx.project.paths.playbooks, rel);
    if (!existsSync(path)) continue;
    const shown = `playbooks/${rel}`;
    let doc: unknown;
    try {
      doc = jsYaml.load(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UserError(`${shown} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
        hint: 'fix the file: a list of roles, or a mapping with roles: and collections:',
        code: 'REQUIREMENTS_INVALID',
      });
    }
    if (doc == null) continue;
    // The old format is a list of roles; the new one a mapping with roles: and/or collections:.
    const map = Array.isArray(doc) ? { roles: doc } : (doc as { roles?: unknown; collections?: unknown });
    if (typeof map !== 'object') {
      throw new UserError(`${shown} is neither a list of roles nor a mapping with roles: and collections:`, {
        hint: 'see https://docs.ansible.com/ansible/latest/galaxy/user_guide.html#installing-multiple-roles-from-a-file',
        code: 'REQUIREMENTS_INVALID',
      });
    }
    const roles = Array.isArray(map.roles) && map.roles.length > 0;
    const collections = Array.isArray(map.collections) && map.collections.length > 0;
    if (roles || collections) files.push({ shown, path, roles, collections });
  }
  return files;
}

function folderOf(ctx: Pick<Context, 'project'>, files: RequirementsFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`\0${f.shown}\0`).update(readFileSync(f.path));
  return join(ctx.project.paths.state, 'galaxy', hash.digest('hex').slice(0, 16));
}

/** The installed folders when the project has requirements and they are installed; else undefined. */
export function installedRequirements(ctx: Pick<Context, 'project'>): InstalledRequirements | undefined {
  const files = requirementsFiles(ctx);
  if (files.length === 0) return undefined;
  const dir = folderOf(ctx, files);
  return existsSync(dir) ? { roles: join(dir, 'roles'), collections: join(dir, 'collections') } : undefined;
}

/**
 * Installs what the requirements files name, unless this content is installed already. A failed
 * install is one error naming the file and ansible-galaxy's own reason; nothing else has run.
 */
export async function ensureRequirements(ctx: Context): Promise<InstalledRequirements | undefined> {
  const files = requirementsFiles(ctx);
  if (files.length === 0) return undefined;
  const dir = folderOf(ctx, files);
  const installed = { roles: join(dir, 'roles'), collections: join(dir, 'collections') };
  if (existsSync(dir)) return installed;
  const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  mkdirSync(join(tmp, 'roles'), { recursive: true });
  mkdirSync(join(tmp, 'collections'), { recursive: true });
  try {
    for (const f of files) {
      info(ctx.io, 'ansible.requirements', `installing the requirements of ${f.shown} with ansible-galaxy`);
      if (f.roles) await galaxy(ctx, f, ['role', 'install', '-r', f.path, '-p', join(tmp, 'roles')]);
      if (f.collections) await galaxy(ctx, f, ['collection', 'install', '-r', f.path, '-p', join(tmp, 'collections')]);
    }
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return installed;
}

async function galaxy(ctx: Context, f: RequirementsFile, args: string[]): Promise<void> {
  const r = await ansibleGalaxy(args, { cwd: ctx.project.paths.playbooks, signal: ctx.signal });
  if (r.exitCode === 0) return;
  const out = redact(`${r.stderr}\n${r.stdout}`);
  const reason = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(ERROR|\[ERROR\])/.test(l) && !l.includes('--ignore-errors'))
    .map((l) => l.replace(/^(ERROR!?|\[ERROR\]:?)\s*/, ''))
    .join('; ');
  throw new UserError(`ansible-galaxy could not install the requirements of ${f.shown}: ${reason || `exit ${r.exitCode}`}`, {
    hint: `check the src, name and version of each entry in ${f.shown}; try \`ansible-galaxy ${args[0]} install -r ${f.shown}\` by hand`,
    code: 'REQUIREMENTS_FAILED',
  });
}
