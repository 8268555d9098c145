/** The SSH private key Ansible and ssh use: keys/<key_name>.pem, refused when readable by others. */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';

/** The key file for this environment: local.private_key when set, else keys/<key_name>.pem. */
export function privateKeyPath(ctx: Pick<Context, 'project' | 'env'>): string {
  const configured = ctx.env.local?.private_key;
  if (configured) return isAbsolute(configured) ? configured : join(ctx.project.paths.dir, configured);
  return join(ctx.project.paths.keys, `${ctx.env.settings.key_name}.pem`);
}

/** Checks that the key exists and is 0600 (or tighter); returns its absolute path. */
export function checkPrivateKey(ctx: Pick<Context, 'project' | 'env'>, file = privateKeyPath(ctx)): string {
  const shown = displayPath(ctx.project.paths.dir, file);
  if (!existsSync(file)) {
    throw new UserError(`missing SSH private key ${shown}`, {
      hint: `put the private key of the EC2 key pair "${ctx.env.settings.key_name}" at ${shown} (mode 0600), or set key_name in playbooks/group_vars/all.yml`,
      code: 'KEY_MISSING',
    });
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new UserError(`SSH private key ${shown} is too open (mode ${mode.toString(8).padStart(4, '0')}): ssh refuses such keys`, {
      hint: `chmod 600 ${shown}`,
      code: 'KEY_PERMISSIONS',
    });
  }
  return file;
}

export function displayPath(projectDir: string, file: string): string {
  const rel = relative(projectDir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
