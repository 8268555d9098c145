/**
 * The configuration bundle of instances that configure themselves (docs/instances.md): the
 * project's playbooks plus the deploy's effective variables (secrets left out), packed as one
 * tar.gz named by its content hash, uploaded to the stack's `BundleBucket`, and named in the SSM
 * parameter `/<app>/<env>/bundle` that the launch templates' boot script reads. The vault password
 * travels apart from the bundle, as the SecureString `/<app>/<env>/vault-password`, so that the
 * playbooks can decrypt the project's vault at boot as they do on the operator's machine.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import jsYaml from 'js-yaml';
import type { Context } from '../context.js';
import { info } from '../io.js';
import { isRegisteredSecret, isSecretKey } from '../redact.js';
import { installedRequirements } from '../ansible/requirements.js';
import { getParameter, putParameter } from '../../providers/aws/ssm.js';
import { objectExists, putObject } from '../../providers/aws/s3.js';
import { vaultPassword } from '../secrets/vault.js';

export interface BundleFile {
  path: string;
  data: Buffer;
}

export interface BundleResult {
  /** uploaded: a new bundle; repointed: an earlier upload named again; unchanged: no call changed anything. */
  status: 'uploaded' | 'repointed' | 'unchanged' | 'not declared';
  /** s3://bucket/key, when the stack declares a bucket. */
  location?: string;
  parameter?: string;
  /** The vault password's SecureString: stored (new or changed), unchanged, or none (no vault password given). */
  vault?: 'stored' | 'unchanged' | 'none';
}

export const bundleParameter = (app: string, env: string): string => `/${app}/${env}/bundle`;
export const vaultParameter = (app: string, env: string): string => `/${app}/${env}/vault-password`;

/** Files that never travel: vault passwords, Ansible's retry files, local state. */
const LEFT_OUT = [/(^|\/)[^/]*vault[-_]password[^/]*$/, /\.retry$/, /(^|\/)\.fragctl(\/|$)/, /(^|\/)\.git(\/|$)/];

/** The playbooks folder, sorted, without what must not leave the operator's machine. */
export function playbookFiles(dir: string): BundleFile[] {
  return treeFiles(dir, 'playbooks');
}

/** Every file under `dir` as `<prefix>/<relative path>`, sorted, without what must not travel. */
function treeFiles(dir: string, prefix: string): BundleFile[] {
  const out: BundleFile[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, e.name);
      const rel = `${prefix}/${relative(dir, full).split(sep).join('/')}`;
      if (LEFT_OUT.some((re) => re.test(rel))) continue;
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push({ path: rel, data: readFileSync(full) });
    }
  };
  walk(dir);
  return out;
}

/**
 * What requirements.yml brought (installed by the deploy that publishes the bundle), where
 * Ansible looks beside a playbook: roles under playbooks/roles/ (the project's own roles of the
 * same name win, as they do on the operator's machine) and collections under playbooks/collections/.
 */
function requirementFiles(ctx: Context): BundleFile[] {
  const installed = installedRequirements(ctx);
  if (!installed) return [];
  const own = join(ctx.project.paths.playbooks, 'roles');
  const roles = existsSync(installed.roles)
    ? readdirSync(installed.roles)
        .filter((name) => !existsSync(join(own, name)))
        .flatMap((name) => treeFiles(join(installed.roles, name), `playbooks/roles/${name}`))
    : [];
  const collections = existsSync(installed.collections) ? treeFiles(installed.collections, 'playbooks/collections') : [];
  return [...roles, ...collections];
}

/** The deploy's variables without secrets (by key pattern or by registered value): vars.yml of the bundle. */
export function publicVars(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(vars)
      .filter(([k, v]) => !isSecretKey(k) && !isRegisteredSecret(v))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The content hash: paths and contents only (no times, no owners), so unchanged inputs give the same name. */
export function bundleHash(files: BundleFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path)))
    h.update(`${f.path}\0${createHash('sha256').update(f.data).digest('hex')}\n`);
  return h.digest('hex').slice(0, 16);
}

export async function packBundle(files: BundleFile[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  for (const f of files) tar.entry({ name: f.path, mtime: new Date(0), mode: 0o644 }, f.data);
  tar.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export function bundleFiles(ctx: Context, vars: Record<string, unknown>): BundleFile[] {
  return [
    ...playbookFiles(ctx.project.paths.playbooks),
    ...requirementFiles(ctx),
    { path: 'vars.yml', data: Buffer.from(jsYaml.dump(publicVars(vars), { sortKeys: true })) },
  ];
}

/**
 * Keeps the bundle current: uploads it only when its content hash is new, and points the
 * parameter at it. A stack without a `BundleBucket` output has no self-configuring instances.
 */
export async function publishBundle(ctx: Context, outputs: Record<string, string>, vars: Record<string, unknown>): Promise<BundleResult> {
  const bucket = outputs.BundleBucket;
  if (!bucket) return { status: 'not declared' };
  const app = ctx.env.settings.app_name;
  const files = bundleFiles(ctx, vars);
  const key = `bundles/${app}-${ctx.env.name}-${bundleHash(files)}.tar.gz`;
  const location = `s3://${bucket}/${key}`;
  const parameter = bundleParameter(app, ctx.env.name);
  const vault = await publishVaultPassword(ctx);
  const [current, exists] = await Promise.all([getParameter(ctx.aws, parameter), objectExists(ctx.aws, bucket, key)]);
  if (current === location && exists) {
    info(ctx.io, 'bundle.unchanged', `instance bundle unchanged: ${location}`);
    return { status: 'unchanged', location, parameter, vault };
  }
  if (!exists) await putObject(ctx.aws, bucket, key, await packBundle(files), 'application/gzip');
  await putParameter(
    ctx.aws,
    parameter,
    location,
    `the configuration bundle new ${app}-${ctx.env.name} instances run at boot (fragctl deploy)`,
  );
  info(ctx.io, 'bundle.published', `instance bundle ${location} (${parameter})`);
  return { status: exists ? 'repointed' : 'uploaded', location, parameter, vault };
}

/**
 * The vault password new instances decrypt the project's vault with, as a SecureString beside the
 * bundle's parameter: written only when it differs from the stored one (compared after decryption,
 * never shown). Without a vault password for this run there is nothing to store; a vault.yml in
 * the bundle then cannot be read at boot, which the boot script's log says.
 */
async function publishVaultPassword(ctx: Context): Promise<'stored' | 'unchanged' | 'none'> {
  const password = vaultPassword(ctx);
  if (password === undefined) return 'none';
  const name = vaultParameter(ctx.env.settings.app_name, ctx.env.name);
  if ((await getParameter(ctx.aws, name, { decrypt: true })) === password) return 'unchanged';
  await putParameter(
    ctx.aws,
    name,
    password,
    `the Ansible Vault password new ${ctx.env.settings.app_name}-${ctx.env.name} instances decrypt their secrets with (fragctl deploy)`,
    {
      secure: true,
    },
  );
  info(ctx.io, 'bundle.vault', `vault password for new instances stored as the SecureString ${name}`);
  return 'stored';
}
