import { defineVerb } from '../../verb.js';
import { versionChange } from '../../../core/kube/version-change.js';
import { durationArg, planTable, tagArg, FORCE_CONFLICTS_HELP } from './common.js';

interface Opts {
  tag?: string;
  wait: boolean;
  timeout?: number;
  forceConflicts?: boolean;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--tag <tag>', 'the new image tag (default: pull the current tag again)', tagArg)
      .option('--no-wait', 'return once the change is applied, without waiting for the rollout')
      .option('--timeout <duration>', 'how long to wait for the rollout (e.g. 90s; default 10m)', durationArg)
      .option('--force-conflicts', FORCE_CONFLICTS_HELP);
  },
  async run(run, opts) {
    const result = await versionChange(run.context(), {
      tag: opts.tag,
      wait: opts.wait,
      timeoutMs: opts.timeout,
      forceConflicts: opts.forceConflicts,
    });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun)
      return run.io.result(`${result.namespace}: ${result.from ?? '?'} → ${result.image} (dry run)\n${planTable(result.dryRun)}`);
    run.io.result(
      `${result.namespace}: ${result.from ?? '?'} → ${result.image} (release ${result.revision}${result.waited ? '' : ', rollout in progress'})`,
    );
  },
});
