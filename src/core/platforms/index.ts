/**
 * The one place that dispatches by platform: a record keyed by `env.platform`, so that a platform
 * added to the `Platform` union without its object here does not compile. Elsewhere, code asks the
 * platform object (`platformOf(env).plan(…)`) rather than comparing `env.platform` (a lint rule).
 */
import type { Context } from '../context.js';
import type { Environment, Platform } from '../config/project.js';
import { UserError } from '../errors.js';
import { AWS } from './aws.js';
import { KUBERNETES } from './kubernetes.js';
import { LOCAL } from './local.js';
import type { HostOps, PlatformOps } from './types.js';

export type { HostOps, PlatformOps };

const PLATFORMS: Record<Platform, PlatformOps> = { aws: AWS, kubernetes: KUBERNETES, local: LOCAL };

export function platformOf(env: Pick<Environment, 'platform'>): PlatformOps {
  return PLATFORMS[env.platform];
}

/** The Ansible hosts of the run's environment; refused in one line on a platform without them. */
export function hostOps(ctx: Pick<Context, 'env'>): HostOps {
  const hosts = platformOf(ctx.env).hosts;
  if (!hosts) throw new UserError(`${ctx.env.name} is not an AWS or local environment`, { code: 'USAGE' });
  return hosts;
}

/**
 * For an operation of one platform handed an environment of another (another environment named by
 * an option, or a core call the verb table did not guard): narrows `env`, or throws the caller's line.
 */
export function requirePlatform<P extends Platform>(
  env: Environment,
  platform: P,
  refusal: { message: string; hint: string },
): asserts env is Environment & { platform: P } {
  if (env.platform !== platform) throw new UserError(refusal.message, { hint: refusal.hint, code: 'USAGE' });
}
