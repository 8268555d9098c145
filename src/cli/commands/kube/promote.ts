import { defineVerb } from '../../verb.js';
import { buildTag, checkVersion, promote } from '../../../core/kube/promote.js';
import { durationArg, planTable } from './common.js';

interface Opts {
  build: string;
  as: string;
  timeout?: number;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .requiredOption(
        '--build <n>',
        'the build to promote: N for the image tagged latest-N, or a release-candidate tag',
        (v: string) => (buildTag(v), v),
      )
      .requiredOption('--as <version>', 'the version tag to give it, e.g. v1.4.0', (v: string) => (checkVersion(v), v))
      .option('--timeout <duration>', 'how long to wait for the rollout (default 10m)', durationArg);
  },
  async run(run, opts) {
    const result = await promote(run.context(), { build: opts.build, as: opts.as, timeoutMs: opts.timeout });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun) {
      const moves = result.plan.moves.map((m) => `${m.tag}: ${m.from ?? '(new)'} → ${m.to}`).join('\n');
      return run.io.result(
        `${result.source} (${result.digest}) would be promoted as ${result.version} (dry run)\n${moves}\n${planTable(result.dryRun)}`,
      );
    }
    run.io.result(
      `${result.source} promoted as ${result.version} (and stable)\n${result.namespace} runs ${result.image} (release ${result.revision})`,
    );
  },
});
