import { defineVerb } from '../../verb.js';
import { versionChange } from '../../../core/kube/version-change.js';
import { timeoutOption } from './common.js';

interface Opts {
  tag?: string;
  wait: boolean;
  timeout?: string;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('--tag <tag>', 'the new image tag (default: pull the current tag again)')
      .option('--no-wait', 'return once the change is applied, without waiting for the rollout')
      .option('--timeout <duration>', 'how long to wait for the rollout (e.g. 90s, 10m)', '10m');
  },
  async run(run, opts) {
    const result = await versionChange(run.context(), { tag: opts.tag, wait: opts.wait, timeoutMs: timeoutOption(opts.timeout) });
    if (run.global.json) return run.io.json(result);
    run.io.result(`${result.namespace}: ${result.from ?? '?'} → ${result.image} (revision ${result.revision}${result.waited ? '' : ', rollout in progress'})`);
  },
});
