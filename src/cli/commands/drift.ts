import { defineVerb } from '../verb.js';
import { detectDrift } from '../../core/aws/drift.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { table } from '../render.js';

/** `fragctl <env> drift`: exit 1 when any resource drifted from the template. */
export default defineVerb({
  async run(run) {
    const ctx = run.context();
    try {
      const r = await detectDrift(ctx);
      if (run.global.json) run.io.json(r);
      else if (!r.drifted.length) run.io.result(`stack ${r.stack}: IN_SYNC, no resource drifted`);
      else {
        const rows = r.drifted.flatMap((d) =>
          d.properties.length
            ? d.properties.map((p) => [d.logicalId, d.type, d.status, p.path, p.expected, p.actual])
            : [[d.logicalId, d.type, d.status, '-', '-', '-']],
        );
        run.io.result(
          `stack ${r.stack}: DRIFTED, ${r.drifted.length} resource(s)\n${table(['RESOURCE', 'TYPE', 'DRIFT', 'PROPERTY', 'EXPECTED', 'ACTUAL'], rows)}`,
        );
      }
      return r.drifted.length ? 1 : 0;
    } finally {
      emitCallCounts(ctx);
    }
  },
});
