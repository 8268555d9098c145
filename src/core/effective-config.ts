import type { Context } from './context.js';
import { redactValue } from './redact.js';
import { effectiveSettings } from './deploy/vars.js';
import { platformOf } from './platforms/index.js';

/**
 * What an environment resolves to, after overrides, with every secret masked. `settings` and
 * `computed` together are what every playbook gets in its vars file (the stack's outputs fill the
 * computed database and host values at deploy time).
 */
export function effectiveConfig(ctx: Context): Record<string, unknown> {
  const { env } = ctx;
  const settings = effectiveSettings(ctx);
  const extras = platformOf(env).configExtras(ctx);
  return redactValue({
    environment: env.name,
    platform: env.platform,
    protected: env.protected,
    file: env.file ?? null,
    stack: extras.stack,
    aws: extras.aws,
    kubernetes: env.kubernetes,
    local: env.local,
    settings,
    computed: extras.computed,
  });
}
