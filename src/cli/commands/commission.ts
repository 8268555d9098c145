import { defineVerb } from '../verb.js';
import { commission, commissionChecks } from '../../core/aws/commission.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { table } from '../render.js';

interface Opts {
  deploy: boolean;
  replaceFailed?: boolean;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--no-deploy', 'create the stack only; do not run the deploy afterwards')
      .option('--replace-failed', 'delete a stack left by a failed create (after confirmation) and create it again');
  },
  // Bad input is refused before the lock: nothing, not even the state table, is created.
  async before(run, opts) {
    if (!run.global.dryRun) await commissionChecks(run.context(), { deploy: opts.deploy !== false });
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await commission(ctx, { deploy: opts.deploy !== false, replaceFailed: !!opts.replaceFailed });
      if (run.global.json) return run.io.json(r);
      const head = r.dryRun
        ? `dry run: stack ${r.stack} would be created; nothing was changed (\`fragctl ${ctx.env.name} plan\` shows its resources)`
        : r.created
          ? `stack ${r.stack} created: ${r.status}`
          : `stack ${r.stack}: ${r.status} (already commissioned, nothing changed)`;
      const outputs = Object.entries(r.outputs);
      run.io.result([head, ...(outputs.length ? ['', table(['OUTPUT', 'VALUE'], outputs)] : [])].join('\n'));
    } finally {
      emitCallCounts(ctx);
    }
  },
});
