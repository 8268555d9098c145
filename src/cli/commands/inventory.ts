import { defineVerb } from '../verb.js';
import { inventoryHost, inventoryList } from '../../core/hosts/inventory.js';
import { UserError } from '../../core/errors.js';

/** Ansible's dynamic inventory protocol: JSON on stdout for --list and --host (always JSON). */
export default defineVerb<{ list?: boolean; host?: string }>({
  configure(cmd) {
    cmd.option('--list', 'every group and host, with host variables under _meta').option('--host <host>', 'the variables of one host');
  },
  async run(run, opts) {
    if (!opts.list && !opts.host)
      throw new UserError('inventory needs --list or --host H', {
        hint: 'ansible -i bin/fragctl-inventory calls it for you',
        code: 'USAGE',
      });
    const ctx = run.context();
    const value = opts.host ? await inventoryHost(ctx, opts.host) : await inventoryList(ctx);
    run.io.json(value);
  },
});
