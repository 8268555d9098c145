import { defineVerb } from '../../verb.js';
import { undeployKube } from '../../../core/kube/undeploy.js';
import { durationArg } from './common.js';

interface Opts {
  forceProtected?: boolean;
  timeout?: number;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--force-protected', 'allow undeploying a protected environment')
      .option('--timeout <duration>', 'how long to wait for the namespace to go (default 5m)', durationArg);
  },
  async run(run, opts) {
    const result = await undeployKube(run.context(), { forceProtected: opts.forceProtected, timeoutMs: opts.timeout });
    if (run.global.json) return run.io.json(result);
    run.io.result(
      result.deleted
        ? `namespace ${result.namespace} deleted`
        : result.wouldDelete
          ? `namespace ${result.namespace} would be deleted with everything in it (--dry-run: nothing was deleted)`
          : `namespace ${result.namespace} does not exist: nothing to do`,
    );
  },
});
