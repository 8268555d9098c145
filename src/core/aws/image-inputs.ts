/**
 * Every file the image playbook can read, hashed one by one, so that the image's inputs hash changes
 * whenever any of them does and `plan` can name the file: the playbook, its vars_files, the tasks and
 * playbooks it imports, the roles it uses and their dependencies (every file under each role:
 * tasks, defaults, vars, meta, templates, files), the group_vars and host_vars that apply to the
 * image host (group `image`, and `all`), templates and files it names from the playbook's own
 * folders, and the collection/role requirements files (which pin the versions of collections).
 *
 * Each computed manifest is kept under .fragctl/image-inputs/<hash>.json so that a later plan can
 * compare the current inputs with the ones an existing image was baked from.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import jsYaml from 'js-yaml';
import { UserError } from '../errors.js';

export interface InputsManifest {
  hash: string;
  /** playbooks-relative path → sha256 prefix of its content. */
  files: Record<string, string>;
  base: string;
}

const INCLUDE_KEYS = new Set(['import_tasks', 'include_tasks', 'import_playbook', 'include_vars', 'vars_files']);
const REQUIREMENTS = ['requirements.yml', 'requirements.yaml', 'collections/requirements.yml', 'roles/requirements.yml', 'ansible.cfg'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function loadYaml(dir: string, file: string): unknown {
  try {
    return jsYaml.load(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`playbooks/${relative(dir, file)}: ${(e as Error).message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax',
      code: 'PLAYBOOK_SYNTAX',
    });
  }
}

/** String values under keys that name other files (import_tasks, vars_files, template/copy src…). */
function referencedPaths(node: unknown, out: string[], parentKey = ''): void {
  if (Array.isArray(node)) {
    for (const item of node) referencedPaths(item, out, parentKey);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const short = key.replace(/^ansible\.builtin\./, '');
      if (INCLUDE_KEYS.has(short) && typeof value === 'string') out.push(value);
      else if (short === 'vars_files' && Array.isArray(value)) out.push(...value.filter((v): v is string => typeof v === 'string'));
      else if ((short === 'template' || short === 'copy') && value && typeof value === 'object') {
        const src = (value as { src?: unknown }).src;
        if (typeof src === 'string') out.push(`${short === 'template' ? 'templates' : 'files'}/${src}`, src);
      } else if (short === 'file' && typeof value === 'string' && INCLUDE_KEYS.has(parentKey)) {
        out.push(value); // include_vars: { file: x }
      }
      referencedPaths(value, out, short);
    }
  } else if (typeof node === 'string' && INCLUDE_KEYS.has(parentKey)) {
    out.push(node);
  }
}

/** The roles named by plays or tasks (strings, `{ role: x }`, include_role/import_role), with their meta dependencies. */
function roleNames(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) roleNames(item, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const short = key.replace(/^ansible\.builtin\./, '');
    if (short === 'roles' && Array.isArray(value)) {
      for (const r of value) {
        const name =
          typeof r === 'string' ? r : ((r as { role?: unknown; name?: unknown } | null)?.role ?? (r as { name?: unknown } | null)?.name);
        if (typeof name === 'string') out.push(name);
      }
    } else if ((short === 'include_role' || short === 'import_role') && value && typeof value === 'object') {
      const name = (value as { name?: unknown }).name;
      if (typeof name === 'string') out.push(name);
    } else if (short === 'dependencies') {
      roleNames({ roles: value }, out);
    } else {
      roleNames(value, out);
    }
  }
}

/** The group_vars/host_vars files Ansible loads for a host in `groups` named `host`. */
function varsFiles(dir: string, host: string, groups: string[]): string[] {
  const out: string[] = [];
  for (const [folder, names] of [
    ['group_vars', ['all', ...groups]],
    ['host_vars', [host]],
  ] as const) {
    for (const name of names) {
      for (const candidate of [name, `${name}.yml`, `${name}.yaml`, `${name}.json`]) out.push(...filesUnder(join(dir, folder, candidate)));
    }
  }
  return out;
}

/** Lists every file the playbook can read, resolved against the playbooks folder. */
export function playbookInputs(dir: string, playbook: string, host: string, groups: string[]): string[] {
  const files = new Set<string>();
  const roles = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file) || statSync(file).isDirectory()) return;
    seen.add(file);
    files.add(file);
    if (!/\.ya?ml$/.test(file)) return;
    const doc = loadYaml(dir, file);
    const refs: string[] = [];
    referencedPaths(doc, refs);
    for (const ref of refs) {
      if (ref.includes('{{')) continue; // templated: covered by the folder it lives in when that is a role
      for (const base of new Set([dirname(file), dir])) visit(join(base, ref));
    }
    const named: string[] = [];
    roleNames(doc, named);
    for (const role of named) addRole(role);
  };
  const addRole = (role: string): void => {
    if (roles.has(role)) return;
    roles.add(role);
    const roleDir = join(dir, 'roles', role);
    for (const file of filesUnder(roleDir)) {
      files.add(file);
      if (/\/(meta|tasks|handlers)\/[^/]+\.ya?ml$/.test(file)) visit(file);
    }
  };
  visit(join(dir, playbook));
  for (const file of varsFiles(dir, host, groups)) files.add(file);
  for (const req of REQUIREMENTS) for (const file of filesUnder(join(dir, req))) files.add(file);
  return [...files].sort();
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The manifest and hash of the playbook's inputs plus the base image. */
export function inputsManifest(dir: string, playbook: string, host: string, groups: string[], base: string): InputsManifest {
  const files: Record<string, string> = {};
  for (const file of playbookInputs(dir, playbook, host, groups)) files[relative(dir, file)] = sha(readFileSync(file)).slice(0, 16);
  const lines = [`base:${base}`, ...Object.entries(files).map(([p, h]) => `file:${p}:${h}`)];
  return { hash: sha(lines.join('\n')).slice(0, 20), files, base };
}

const manifestFile = (stateDir: string, hash: string): string => join(stateDir, 'image-inputs', `${hash}.json`);

/** Keeps the manifest so a later plan can name what changed; a failure to write it is not an error. */
export function saveManifest(stateDir: string, m: InputsManifest): void {
  try {
    mkdirSync(join(stateDir, 'image-inputs'), { recursive: true });
    writeFileSync(manifestFile(stateDir, m.hash), `${JSON.stringify(m, null, 2)}\n`);
  } catch {
    // The hash alone still decides whether a bake is due; only the file names would be missing.
  }
}

export function loadManifest(stateDir: string, hash: string): InputsManifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestFile(stateDir, hash), 'utf8')) as InputsManifest;
  } catch {
    return undefined;
  }
}

/** What differs between two manifests, as readable phrases: "playbooks/group_vars/all.yml changed". */
export function describeChanges(before: InputsManifest, after: InputsManifest): string[] {
  const out: string[] = [];
  if (before.base !== after.base) out.push(`the base image changed (${before.base} → ${after.base})`);
  for (const [path, h] of Object.entries(after.files)) {
    if (!(path in before.files)) out.push(`playbooks/${path} was added`);
    else if (before.files[path] !== h) out.push(`playbooks/${path} changed`);
  }
  for (const path of Object.keys(before.files)) if (!(path in after.files)) out.push(`playbooks/${path} was removed`);
  return out;
}
