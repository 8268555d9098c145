import { defineVerb } from '../../verb.js';
import { checkSchedule, replicate } from '../../../core/kube/replicate.js';
import { durationArg, planTable } from './common.js';

interface Opts {
  from: string;
  schedule?: string;
  allowVersionMismatch?: boolean;
  timeout?: number;
}

export default defineVerb<Opts>({
  dryRun: true,
  arguments: '<what>',
  configure(cmd) {
    cmd
      .requiredOption('--from <env>', 'the environment to copy from')
      .option(
        '--schedule <cron>',
        'make a CronJob on this schedule (never two runs at once) instead of running once',
        (v: string) => (checkSchedule(v), v),
      )
      .option('--allow-version-mismatch', 'replicate even when the two environments run different image tags')
      .option('--timeout <duration>', 'how long to wait for a one-off run (default 1h)', durationArg);
  },
  async run(run, opts, args) {
    const result = await replicate(run.context(), {
      what: args[0] ?? '',
      from: opts.from,
      schedule: opts.schedule,
      allowVersionMismatch: opts.allowVersionMismatch,
      timeoutMs: opts.timeout,
    });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun)
      return run.io.result(`${result.namespace}: replicate ${result.what} from ${result.from} (dry run)\n${planTable(result.dryRun)}`);
    if (result.mode === 'cronjob')
      run.io.result(`CronJob ${result.cronJob} in ${result.namespace}: ${result.schedule} (concurrencyPolicy Forbid)`);
    else
      run.io.result(
        [
          `replicated ${result.what} from ${result.from}: job ${result.job?.job} ${result.job?.state}`,
          ...(result.job?.logs ?? []).map((l) => `  ${l}`),
        ].join('\n'),
      );
  },
});
