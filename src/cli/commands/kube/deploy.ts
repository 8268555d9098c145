import { defineVerb } from '../../verb.js';
import { deployKube } from '../../../core/kube/deploy.js';
import { verifyChosenImage } from '../../../core/kube/verify-image.js';
import { checkFirstDeploy } from '../../../core/kube/first-deploy-check.js';
import { durationArg, imageArg, planTable, tagArg, FORCE_CONFLICTS_HELP } from './common.js';

interface Opts {
  image?: string;
  tag?: string;
  timeout?: number;
  forceConflicts?: boolean;
  atomic?: boolean;
  adopt?: boolean;
  verified?: { image: string; digest?: string };
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--image <image>', 'image repository (optionally with :tag or @digest); default kubernetes.image', imageArg)
      .option('--tag <tag>', 'image tag; default kubernetes.tag, else the tag running now', tagArg)
      .option('--timeout <duration>', 'how long to wait for the rollout (e.g. 90s; default 10m)', durationArg)
      .option('--atomic', 'roll back to the previous release by itself when this one does not become ready (then exit 1)')
      .option('--adopt', 'deploy into an existing namespace fragctl did not create (recorded in the release)')
      .option('--force-conflicts', FORCE_CONFLICTS_HELP);
  },
  async before(run, opts) {
    // A tag the registry does not have, or templates that do not render, are refused before the
    // lock makes a first deploy's namespace.
    opts.verified = await verifyChosenImage(run.context(), { image: opts.image, tag: opts.tag });
    await checkFirstDeploy(run.context(), { image: opts.image, tag: opts.tag, adopt: opts.adopt });
  },
  async run(run, opts) {
    const result = await deployKube(run.context(), {
      image: opts.image,
      tag: opts.tag,
      timeoutMs: opts.timeout,
      atomic: opts.atomic,
      adopt: opts.adopt,
      forceConflicts: opts.forceConflicts,
      verified: opts.verified,
    });
    if (run.global.json) return run.io.json(result);
    if (result.dryRun) return run.io.result(planTable(result.dryRun));
    run.io.result(
      `namespace: ${result.namespace}\nurl:       ${result.url}\nimage:     ${result.image}\nrelease:   ${result.revision}${result.pruned?.length ? `\npruned:    ${result.pruned.map((x) => `${x.kind}/${x.name}`).join(', ')}` : ''}`,
    );
  },
});
