import type { Context } from '../context.js';
import { OperationError } from '../errors.js';
import { info } from '../io.js';

type DeployModule = { deployAws?: (ctx: Context, opts: { roles?: string[]; limit?: string; check?: boolean; diff?: boolean; tags?: string }) => Promise<unknown> };

/**
 * The deploy after commission/update: the deploy area's `deployAws` (src/core/deploy/deploy.ts),
 * imported lazily so that the lifecycle loads Ansible's code only when it deploys.
 */
export async function runDeploy(ctx: Context): Promise<boolean> {
  const path = '../deploy/deploy.js';
  let mod: DeployModule;
  try {
    mod = (await import(path)) as DeployModule;
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    mod = {};
  }
  if (typeof mod.deployAws !== 'function') {
    throw new OperationError('the stack is ready, but this build of fragctl cannot deploy yet', {
      hint: `run \`fragctl ${ctx.env.name} commission --no-deploy\`, then deploy when available`,
      code: 'DEPLOY_UNAVAILABLE',
    });
  }
  info(ctx.io, 'deploy.start', 'deploying the application to the stack\'s hosts');
  await mod.deployAws(ctx, {});
  return true;
}
