import { defineVerb } from '../verb.js';
import { decommission } from '../../core/aws/decommission.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { table } from '../render.js';

interface Opts {
  deleteImage?: boolean;
  skipFinalSnapshot?: boolean;
  forceProtected?: boolean;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('--delete-image', 'also deregister the image the stack ran (unless another environment uses it)')
      .option('--skip-final-snapshot', 'delete databases without a final snapshot (their data is lost)')
      .option('--force-protected', 'allow decommissioning a protected environment; turns termination protection off');
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await decommission(ctx, { deleteImage: !!opts.deleteImage, skipFinalSnapshot: !!opts.skipFinalSnapshot, forceProtected: !!opts.forceProtected });
      if (run.global.json) return run.io.json(r);
      const lines = [r.deleted ? `stack ${r.stack} deleted` : `stack ${r.stack}: nothing deleted`];
      if (r.snapshots.length) {
        lines.push('', table(['DATABASE', 'FINAL SNAPSHOT', 'STATUS'], r.snapshots.map((s) => [s.dbInstance, s.snapshotId, s.status])));
        lines.push('', 'restore with:', ...r.snapshots.map((s) => `  ${s.restore}`));
      }
      if (r.imageDeleted) lines.push(`image ${r.imageDeleted} deregistered`);
      run.io.result(lines.join('\n'));
    } finally {
      emitCallCounts(ctx);
    }
  },
});
