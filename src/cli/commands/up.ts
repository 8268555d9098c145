import { defineVerb } from '../verb.js';
import { localUp } from '../../core/local/local.js';
import { table } from '../render.js';

export default defineVerb<{ role?: string; check?: boolean }>({
  configure(cmd) {
    cmd.option('--role <role>', 'only this role (e.g. app)').option('--check', "Ansible's check mode");
  },
  async run(run, opts) {
    const result = await localUp(run.context(), { role: opts.role, check: opts.check || run.global.dryRun });
    if (run.global.json) run.io.json(result);
    else run.io.result(table(['HOST', 'GROUPS', 'STATUS', 'OK', 'CHANGED', 'FAILED'], result.hosts.map((h) => [h.name, h.groups.join(','), h.status, h.ok, h.changed, h.failed])));
  },
});
