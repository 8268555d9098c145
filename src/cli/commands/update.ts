import { defineVerb } from '../verb.js';
import { update } from '../../core/aws/update.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { changeTable } from '../change-table.js';

export default defineVerb<{ deploy: boolean }>({
  dryRun: true,
  configure(cmd) {
    cmd.option('--no-deploy', 'apply the stack changes only; do not redeploy afterwards');
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await update(ctx, {
        deploy: opts.deploy !== false,
        // The table is shown before the confirmation, on stderr, so that stdout stays the result.
        onChanges: (changes, parameters, more) => {
          if (!run.global.json) run.io.stream(`${changeTable(changes, parameters, more)}\n`);
        },
      });
      if (run.global.json) return run.io.json(r);
      run.io.result(
        r.changed
          ? `stack ${r.stack} updated: ${r.status} (${r.changes.length} resource change(s), ${r.parameters.length} parameter change(s))`
          : r.changeSetId
            ? `dry run: ${r.changes.length} resource change(s), ${r.parameters.length} parameter change(s) not applied`
            : `stack ${r.stack} is up to date: no changes`,
      );
    } finally {
      emitCallCounts(ctx);
    }
  },
});
