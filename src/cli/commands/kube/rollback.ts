import { defineVerb } from '../../verb.js';
import { rollbackKube } from '../../../core/kube/rollback.js';
import { UserError } from '../../../core/errors.js';
import { durationArg, planTable, FORCE_CONFLICTS_HELP } from './common.js';

interface Opts {
  to?: string;
  timeout?: number;
  forceConflicts?: boolean;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--to <revision>', 'the release to return to (default: the previous deployed release)', (v: string) => {
        if (!/^\d+$/.test(v))
          throw new UserError(`--to ${v}: expected a revision number`, { hint: 'fragctl <env> history lists them', code: 'USAGE' });
        return v;
      })
      .option('--timeout <duration>', 'how long to wait for the rollout (default 10m)', durationArg)
      .option('--force-conflicts', FORCE_CONFLICTS_HELP);
  },
  async run(run, opts) {
    const result = await rollbackKube(run.context(), {
      to: opts.to === undefined ? undefined : Number(opts.to),
      timeoutMs: opts.timeout,
      forceConflicts: opts.forceConflicts,
    });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun)
      return run.io.result(
        `${result.namespace}: release ${result.from} → release ${result.toRevision} (dry run)\n${planTable(result.dryRun)}`,
      );
    run.io.result(
      `${result.namespace}: rolled back to release ${result.toRevision}${result.image ? `, ${result.image}` : ''} (now release ${result.revision})`,
    );
  },
});
