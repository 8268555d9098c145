import { Option } from 'commander';
import { defineVerb } from '../../verb.js';
import { loadData } from '../../../core/kube/load.js';
import { durationArg, planTable } from './common.js';

interface Opts {
  origin: string;
  type?: 'nfs' | 's3';
  replace?: boolean;
  timeout?: number;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .requiredOption('--origin <origin>', 'where the data comes from: a path (nfs) or s3://bucket/prefix')
      .addOption(new Option('--type <type>', 'nfs or s3 (default: from the origin)').choices(['nfs', 's3']))
      .option('--replace', 'delete a loader that is still running, then start')
      .option('--timeout <duration>', 'how long to wait for the loader (default 1h)', durationArg);
  },
  async run(run, opts) {
    const result = await loadData(run.context(), { origin: opts.origin, type: opts.type, replace: opts.replace, timeoutMs: opts.timeout });
    if (run.global.json) return run.io.json(result);
    if ('dryRun' in result)
      return run.io.result(`${result.namespace}: data load from ${result.origin} (dry run)\n${planTable(result.dryRun)}`);
    run.io.result([`loader ${result.job} ${result.state} in ${result.seconds} s`, ...result.logs.map((l) => `  ${l}`)].join('\n'));
  },
});
