import { defineVerb } from '../../verb.js';
import { undeployKube } from '../../../core/kube/undeploy.js';
import { durationArg } from './common.js';

interface Opts {
  forceProtected?: boolean;
  deleteData?: boolean;
  timeout?: number;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--force-protected', 'allow undeploying a protected environment')
      .option('--delete-data', 'delete the volumes (database, media) with the namespace instead of keeping them')
      .option('--timeout <duration>', 'how long to wait for the namespace to go (default 5m)', durationArg);
  },
  async run(run, opts) {
    const result = await undeployKube(run.context(), {
      forceProtected: opts.forceProtected,
      deleteData: opts.deleteData,
      timeoutMs: opts.timeout,
    });
    if (run.global.json) return run.io.json(result);
    const kept = result.volumes.filter((v) => v.kept);
    const gone = result.volumes.filter((v) => !v.kept);
    const lines = [
      result.deleted
        ? `namespace ${result.namespace} deleted`
        : result.wouldDelete
          ? `namespace ${result.namespace} would be deleted with everything in it (--dry-run: nothing was deleted)`
          : `namespace ${result.namespace} does not exist: nothing to do`,
    ];
    const verb = result.deleted ? '' : 'would be ';
    if (kept.length) {
      lines.push(`volumes ${verb}kept (reclaim policy Retain): ${kept.map((v) => `${v.claim} → ${v.volume}`).join(', ')}`);
      if (result.deleted)
        lines.push(`  list them: kubectl get pv -l fragctl.io/released-from=${result.namespace}; free one: kubectl delete pv <name>`);
    }
    if (gone.length)
      lines.push(`volumes ${verb}deleted with it (--delete-data): ${gone.map((v) => `${v.claim} → ${v.volume}`).join(', ')}`);
    run.io.result(lines.join('\n'));
  },
});
