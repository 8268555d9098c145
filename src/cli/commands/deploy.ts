import { defineVerb } from '../verb.js';
import { deployHosts } from '../../core/deploy/deploy.js';
import { checkRequestedRoles } from '../../core/deploy/targets.js';
import { table } from '../render.js';
import { emitCallCounts } from '../../core/aws/preflight.js';

interface DeployOpts {
  roles?: string;
  limit?: string;
  check?: boolean;
  diff?: boolean;
  tags?: string;
}

export default defineVerb<DeployOpts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--roles <a,b>', 'only these roles (they still run in deploy_order)')
      .option('--limit <host>', 'only these hosts (instance IDs, Name tags, groups or Ansible patterns)')
      .option('--check', "Ansible's check mode: report what would change, change nothing")
      .option('--diff', 'show the changes made to files')
      .option('--tags <tags>', 'only the tasks with these Ansible tags');
  },
  // A typo in --roles is refused before the lock: nothing, not even the state table, is created.
  async before(run, opts) {
    checkRequestedRoles(run.context(), splitRoles(opts.roles));
  },
  async run(run, opts) {
    const roles = splitRoles(opts.roles);
    const ctx = run.context();
    const result = await deployHosts(ctx, {
      roles,
      limit: opts.limit,
      check: opts.check || run.global.dryRun,
      diff: opts.diff,
      tags: opts.tags,
    }).finally(() => emitCallCounts(ctx)); // AWS calls only: a local deploy makes none and emits nothing
    if (run.global.json) run.io.json(result);
    else {
      run.io.result(
        table(
          ['HOST', 'NAME', 'GROUPS', 'STATUS', 'OK', 'CHANGED', 'FAILED', 'UNREACHABLE'],
          result.hosts.map((h) => [h.name, h.ec2Name, h.groups.join(','), h.status, h.ok, h.changed, h.failed, h.unreachable]),
        ),
      );
    }
  },
});

function splitRoles(roles: string | undefined): string[] | undefined {
  return roles
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
}
