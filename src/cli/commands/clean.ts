import { defineVerb } from '../verb.js';
import { clean } from '../../core/aws/clean.js';
import { emitCallCounts } from '../../core/aws/preflight.js';

export default defineVerb({
  dryRun: true,
  async run(run) {
    const ctx = run.context();
    try {
      const r = await clean(ctx);
      if (run.global.json) return run.io.json(r);
      run.io.result(
        [
          `removed: ${r.instances.length} instance(s), ${r.images.length} image(s), ${r.snapshots.length} snapshot(s)`,
          ...r.images.map((i) => `  - ${i.imageId} ${i.name}`),
          ...r.kept.map((k) => `kept ${k.imageId} ${k.name}: ${k.why}`),
          ...r.foreignInstances.map((f) => `kept image instance ${f.instanceId}: launched by ${f.env}'s bake`),
        ].join('\n'),
      );
    } finally {
      emitCallCounts(ctx);
    }
  },
});
