import type { Context } from '../../core/context.js';
import type { HostsDeployResult } from '../../core/deploy/deploy.js';
import { defineVerb } from '../verb.js';
import { table } from '../render.js';

type LocalRun = (ctx: Context, opts: { role?: string; check?: boolean }) => Promise<HostsDeployResult>;

/**
 * `up` and `provision` on local environments: the same options, one core call, the same table.
 * `dryRun`: whether --dry-run (Ansible's check mode) changes nothing; `up` boots Vagrant machines first.
 */
export function localRoleVerb(action: LocalRun, o: { dryRun: boolean }) {
  return defineVerb<{ role?: string; check?: boolean }>({
    ...(o.dryRun ? { dryRun: true as const } : {}),
    configure(cmd) {
      cmd.option('--role <role>', 'only this role (e.g. app)').option('--check', "Ansible's check mode");
    },
    async run(run, opts) {
      const result = await action(run.context(), { role: opts.role, check: opts.check || run.global.dryRun });
      if (run.global.json) run.io.json(result);
      else
        run.io.result(
          table(
            ['HOST', 'GROUPS', 'STATUS', 'OK', 'CHANGED', 'FAILED'],
            result.hosts.map((h) => [h.name, h.groups.join(','), h.status, h.ok, h.changed, h.failed]),
          ),
        );
    },
  });
}
