import type { Context } from './context.js';
import { redactValue } from './redact.js';
import { stackName } from './names.js';
import { computedVars, effectiveSettings } from './deploy/vars.js';

/**
 * What an environment resolves to, after overrides, with every secret masked. `settings` and
 * `computed` together are what every playbook gets in its vars file (the stack's outputs fill the
 * computed database and host values at deploy time).
 */
export function effectiveConfig(ctx: Context): Record<string, unknown> {
  const { env } = ctx;
  return redactValue({
    environment: env.name,
    platform: env.platform,
    protected: env.protected,
    file: env.file ?? null,
    stack: env.platform === 'aws' ? stackName(env.settings.app_name, env.name) : undefined,
    aws:
      env.platform === 'aws' ? { ...env.aws, region: ctx.aws.config.region, endpoint_url: ctx.aws.config.endpointUrl ?? null } : undefined,
    kubernetes: env.kubernetes,
    local: env.local,
    settings: effectiveSettings(ctx),
    computed: env.platform === 'kubernetes' ? undefined : computedVars(ctx, undefined),
  });
}
