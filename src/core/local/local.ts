/**
 * Local dry runs, in the spirit of "test a role on a Vagrant machine": `up` starts the Vagrant
 * machines (or takes the environment's static hosts) and provisions them; `provision` runs the
 * role playbooks again; `destroy` removes the machines (or the sandboxed hosts' deploy roots).
 */
import { existsSync, rmSync } from 'node:fs';
import type { Context } from '../context.js';
import { DeclinedError } from '../errors.js';
import { requirePlatform } from '../platforms/index.js';
import { info, success } from '../io.js';
import { deployHosts, type HostsDeployResult } from '../deploy/deploy.js';
import { hostsDir, localHosts, vagrantDir } from '../hosts/local-hosts.js';
import { resolve, sep } from 'node:path';
import { vagrantDestroy, vagrantUp } from '../../providers/shell/vagrant.js';
import { redact } from '../redact.js';

function requireLocal(ctx: Context): void {
  requirePlatform(ctx.env, 'local', {
    message: `${ctx.env.name} is not a local environment`,
    hint: 'up, provision and destroy work on environments with platform: local',
  });
}

export async function localUp(ctx: Context, opts: { role?: string; check?: boolean } = {}): Promise<HostsDeployResult> {
  requireLocal(ctx);
  if (ctx.env.local?.vagrant && !ctx.env.local.hosts?.length) {
    info(ctx.io, 'local.vagrant', `vagrant up in ${vagrantDir(ctx)}`);
    await vagrantUp(vagrantDir(ctx), (c) => ctx.io.stream(redact(c)));
  }
  return localProvision(ctx, opts);
}

export async function localProvision(ctx: Context, opts: { role?: string; check?: boolean } = {}): Promise<HostsDeployResult> {
  requireLocal(ctx);
  return deployHosts(ctx, { roles: opts.role ? [opts.role] : undefined, check: opts.check });
}

export interface DestroyResult {
  removed: string[];
  vagrant: boolean;
}

export async function localDestroy(ctx: Context): Promise<DestroyResult> {
  requireLocal(ctx);
  const vagrant = !!ctx.env.local?.vagrant && !ctx.env.local.hosts?.length;
  const hosts = vagrant ? [] : await localHosts(ctx);
  const roots = hosts
    .filter((h) => h.vars?.fragctl_sandbox === true && typeof h.vars.deploy_root === 'string' && h.vars.deploy_root)
    .map((h) => String(h.vars!.deploy_root));
  const what = vagrant ? `the Vagrant machines in ${vagrantDir(ctx)}` : `the deploy roots of ${roots.length} sandboxed host(s)`;
  if (!(await ctx.io.confirm({ message: `destroy ${what} of ${ctx.env.name}?` }))) {
    throw new DeclinedError('nothing destroyed: not confirmed', { code: 'DECLINED' });
  }
  if (vagrant) {
    await vagrantDestroy(vagrantDir(ctx), (c) => ctx.io.stream(redact(c)));
    success(ctx.io, 'local.destroyed', `destroyed ${what}`);
    return { removed: [], vagrant: true };
  }
  // Only what fragctl itself made: deploy roots under .fragctl/hosts/, never a path set elsewhere.
  const mine = hostsDir(ctx) + sep;
  const removed = roots.filter((r) => resolve(r).startsWith(mine) && existsSync(r));
  for (const r of removed) rmSync(r, { recursive: true, force: true });
  success(ctx.io, 'local.destroyed', `removed ${removed.length} deploy root(s)`);
  return { removed, vagrant: false };
}
