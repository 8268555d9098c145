import { defineVerb } from '../../verb.js';
import { rollbackKube } from '../../../core/kube/rollback.js';
import { UserError } from '../../../core/errors.js';
import { timeoutOption } from './common.js';

interface Opts {
  to?: string;
  timeout?: string;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('--to <revision>', 'the history revision to return to (default: the previous image)')
      .option('--timeout <duration>', 'how long to wait for the rollout', '10m');
  },
  async run(run, opts) {
    if (opts.to !== undefined && !/^\d+$/.test(opts.to)) throw new UserError(`--to ${opts.to}: expected a revision number`, { hint: 'fragctl <env> history lists them', code: 'USAGE' });
    const result = await rollbackKube(run.context(), { to: opts.to === undefined ? undefined : Number(opts.to), timeoutMs: timeoutOption(opts.timeout) });
    if (run.global.json) return run.io.json(result);
    run.io.result(`${result.namespace}: rolled back to revision ${result.toRevision}, ${result.image} (now revision ${result.revision})`);
  },
});
