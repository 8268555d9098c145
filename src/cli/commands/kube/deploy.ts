import { defineVerb } from '../../verb.js';
import { deployKube } from '../../../core/kube/deploy.js';
import { table } from '../../render.js';
import { timeoutOption } from './common.js';

interface Opts {
  image?: string;
  tag?: string;
  timeout?: string;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('--image <image>', 'image repository (optionally with :tag or @digest); default kubernetes.image')
      .option('--tag <tag>', 'image tag; default kubernetes.tag, else the tag running now')
      .option('--timeout <duration>', 'how long to wait for the rollout (e.g. 90s, 10m)', '10m');
  },
  async run(run, opts) {
    const result = await deployKube(run.context(), { image: opts.image, tag: opts.tag, timeoutMs: timeoutOption(opts.timeout) });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun) {
      run.io.result(table(['KIND', 'NAME', 'ACTION'], result.dryRun.map((p) => [p.kind, p.name, p.action])));
      return;
    }
    run.io.result(`namespace: ${result.namespace}\nurl:       ${result.url}\nimage:     ${result.image}\nrevision:  ${result.revision}`);
  },
});
