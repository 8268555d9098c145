import type { Context } from '../context.js';
import { info } from '../io.js';

/**
 * The deploy after commission/update: the deploy area's `deployHosts`, imported lazily so that the
 * lifecycle loads Ansible's code only when it deploys.
 */
export async function runDeploy(ctx: Context): Promise<boolean> {
  info(ctx.io, 'deploy.start', "deploying the application to the stack's hosts");
  // New instances answer SSH some time after `running`: Ansible's first connection must not race them.
  if (ctx.env.aws.connection !== 'local') {
    const [{ inventoryHosts }, { waitForSsh }] = await Promise.all([import('../hosts/inventory.js'), import('../hosts/wait-ssh.js')]);
    await waitForSsh(ctx, await inventoryHosts(ctx));
  }
  const { deployHosts } = await import('../deploy/deploy.js');
  const result = await deployHosts(ctx, {});
  return result.ok;
}
