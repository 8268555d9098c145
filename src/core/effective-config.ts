import type { Context } from './context.js';
import { redactValue } from './redact.js';
import { stackName } from './names.js';

/** What an environment resolves to, after overrides, with every secret masked. */
export function effectiveConfig(ctx: Context): Record<string, unknown> {
  const { env, project } = ctx;
  return redactValue({
    environment: env.name,
    platform: env.platform,
    protected: env.protected,
    file: env.file ?? null,
    stack: env.platform === 'aws' ? stackName(env.settings.app_name, env.name) : undefined,
    aws: env.platform === 'aws' ? { ...env.aws, region: ctx.aws.config.region, endpoint_url: ctx.aws.config.endpointUrl ?? null } : undefined,
    kubernetes: env.kubernetes,
    local: env.local,
    settings: { ...project.sharedRaw, ...env.settings },
  });
}
