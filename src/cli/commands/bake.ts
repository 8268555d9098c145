import { defineVerb } from '../verb.js';
import { bake, bakeChecks } from '../../core/aws/bake.js';
import { emitCallCounts } from '../../core/aws/preflight.js';

export default defineVerb<{ force?: boolean }>({
  dryRun: true,
  configure(cmd) {
    cmd.option('--force', 'bake even when an image with the same inputs exists');
  },
  // A bad image playbook is refused before the lock: nothing, not even the state table, is created.
  async before(run) {
    await bakeChecks(run.context());
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await bake(ctx, { force: !!opts.force });
      if (run.global.json) run.io.json(r);
      else
        run.io.result(
          r.image ? `${r.baked ? 'baked' : 'kept'} ${r.image.name} ${r.image.imageId}  (inputs ${r.inputsHash})` : `no image (${r.reason})`,
        );
    } finally {
      emitCallCounts(ctx);
    }
  },
});
