import type { CliRun } from './verb.js';
import type { VerbEntry } from './verb.js';

/**
 * Wraps every verb run. For mutating env verbs this is where the environment's lock is taken and
 * the run record is written (src/core/records/guard.ts). Reading verbs, global verbs and
 * `--dry-run` runs pass straight through: they change nothing, so they neither lock nor record.
 */
export async function guardRun(run: CliRun, entry: VerbEntry, body: () => Promise<number | void>): Promise<number | void> {
  if (!entry.mutating || entry.scope !== 'env' || !run.envName || run.global.dryRun) return body();
  let ctx: ReturnType<CliRun['context']>;
  try {
    ctx = run.context();
  } catch {
    return body(); // an unknown environment or a bad settings file: the verb reports it in full
  }
  const touched: Array<Record<string, unknown>> = [];
  const io = run.io;
  const emit = io.emit.bind(io);
  // Other areas report what they touched as `run.touched` debug events; the record collects them.
  io.emit = (event) => {
    if (event.code === 'run.touched') touched.push({ ...(event.data ?? {}), ...(event.data ? {} : { message: event.message }) });
    emit(event);
  };
  // CI runners stop a cancelled job with SIGTERM (after SIGINT): end the run as interrupted, so the
  // lock is released and the record written, as on Ctrl-C. A second SIGTERM exits at once.
  let terms = 0;
  const onTerm = (): void => {
    if (++terms > 1) return run.host.signals?.exitNow(143);
    run.host.stderr.write('\nterminated: stopping the run and releasing the lock of the environment\n');
    run.abort();
  };
  const offTerm = run.host.signals?.on('SIGTERM', onTerm);
  try {
    const { guardedRun } = await import('../core/records/guard.js');
    return await guardedRun(ctx, { verb: entry.name, args: run.argv, touched }, body);
  } finally {
    io.emit = emit;
    offTerm?.();
  }
}
