import { defineVerb } from '../../verb.js';
import { replicate } from '../../../core/kube/replicate.js';
import { timeoutOption } from './common.js';

interface Opts {
  from: string;
  schedule?: string;
  allowVersionMismatch?: boolean;
  timeout?: string;
}

export default defineVerb<Opts>({
  arguments: '<what>',
  configure(cmd) {
    cmd
      .requiredOption('--from <env>', 'the environment to copy from')
      .option('--schedule <cron>', 'make a CronJob on this schedule (never two runs at once) instead of running once')
      .option('--allow-version-mismatch', 'replicate even when the two environments run different image tags')
      .option('--timeout <duration>', 'how long to wait for a one-off run', '1h');
  },
  async run(run, opts, args) {
    const result = await replicate(run.context(), {
      what: args[0] ?? '',
      from: opts.from,
      schedule: opts.schedule,
      allowVersionMismatch: opts.allowVersionMismatch,
      timeoutMs: timeoutOption(opts.timeout),
    });
    if (run.global.json) return run.io.json(result);
    if (result.mode === 'cronjob') run.io.result(`CronJob ${result.cronJob} in ${result.namespace}: ${result.schedule} (concurrencyPolicy Forbid)`);
    else run.io.result([`replicated ${result.what} from ${result.from}: job ${result.job?.job} ${result.job?.state}`, ...(result.job?.logs ?? []).map((l) => `  ${l}`)].join('\n'));
  },
});
