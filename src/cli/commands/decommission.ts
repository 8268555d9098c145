import { defineVerb } from '../verb.js';
import { decommission } from '../../core/aws/decommission.js';
import { emitCallCounts } from '../../core/aws/preflight.js';
import { table } from '../render.js';

interface Opts {
  deleteImage?: boolean;
  skipFinalSnapshot?: boolean;
  forceProtected?: boolean;
  /** commander: --no-stop sets stop to false. */
  stop?: boolean;
}

export default defineVerb<Opts>({
  dryRun: true,
  configure(cmd) {
    cmd
      .option('--delete-image', 'also deregister the image the stack ran (unless another environment uses it)')
      .option('--skip-final-snapshot', 'delete databases without a final snapshot (their data is lost)')
      .option('--no-stop', 'do not stop the application before the final snapshot (writes after it are lost)')
      .option('--force-protected', 'allow decommissioning a protected environment; turns termination protection off');
  },
  async run(run, opts) {
    const ctx = run.context();
    try {
      const r = await decommission(ctx, {
        deleteImage: !!opts.deleteImage,
        skipFinalSnapshot: !!opts.skipFinalSnapshot,
        forceProtected: !!opts.forceProtected,
        noStop: opts.stop === false,
      });
      if (run.global.json) return run.io.json(r);
      const lines = [r.deleted ? `stack ${r.stack} deleted` : `stack ${r.stack}: nothing deleted`];
      if (r.snapshots.length) {
        lines.push(
          '',
          table(
            ['DATABASE', 'FINAL SNAPSHOT', 'STATUS', 'ENGINE', 'SIZE', 'TAKEN'],
            r.snapshots.map((s) => [
              s.dbInstance,
              s.snapshotId,
              s.status,
              s.engine ?? '',
              s.allocatedStorageGiB ? `${s.allocatedStorageGiB} GiB` : '',
              s.createdAt ?? '',
            ]),
          ),
        );
        lines.push('', 'restore with:', ...r.snapshots.map((s) => `  ${s.restore}`));
      }
      if (r.stopped)
        lines.push(
          `application stopped at ${r.stopped.at}${r.stopped.task ? ` (task ${r.stopped.task})` : ''}${r.stopped.groups.length ? `; ${r.stopped.groups.join(', ')} scaled to zero` : ''}`,
        );
      if (r.policySnapshots.length)
        lines.push(
          '',
          'kept by CloudFormation (DeletionPolicy Snapshot):',
          ...r.policySnapshots.map((p) => `  ${p.logicalId}  ${p.dbInstance}  ${p.snapshotId}  ${p.status}`),
        );
      if (r.imageDeleted) lines.push(`image ${r.imageDeleted} deregistered`);
      run.io.result(lines.join('\n'));
    } finally {
      emitCallCounts(ctx);
    }
  },
});
