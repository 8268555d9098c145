import type { Context } from '../context.js';
import { info } from '../io.js';

/**
 * The deploy after commission/update: the deploy area's `deployAws`, imported lazily so that the
 * lifecycle loads Ansible's code only when it deploys.
 */
export async function runDeploy(ctx: Context): Promise<boolean> {
  info(ctx.io, 'deploy.start', 'deploying the application to the stack\'s hosts');
  const { deployAws } = await import('../deploy/deploy.js');
  const result = await deployAws(ctx, {});
  return result.ok;
}
