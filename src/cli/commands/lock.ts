import { defineVerb } from '../verb.js';
import { UserError } from '../../core/errors.js';
import { lockStatus, releaseLock } from '../../core/locks/status.js';

interface Opts {
  force?: boolean;
}

export default defineVerb<Opts>({
  arguments: '[action]',
  configure(cmd) {
    cmd.option('--force', 'release a lock this run does not hold (its holder died); asks first, --yes in scripts');
    cmd.addHelpText(
      'after',
      '\nActions:\n  status            who holds the lock, since when, doing what (default)\n  release --force   remove the lock (always asks, naming the holder and its last heartbeat; --yes in scripts)\n',
    );
  },
  async run(run, opts, args) {
    const action = args[0] ?? 'status';
    const ctx = run.context();
    if (action === 'status') {
      const s = await lockStatus(ctx);
      if (run.global.json) return run.io.json(s);
      if (s.unreadable) return run.io.result(`${s.env} is locked by an unreadable lock (${s.location})\n  ${s.unreadable}`);
      if (!s.holder) return run.io.result(`${s.env} is not locked (${s.location})`);
      const h = s.holder;
      run.io.result(
        `${s.env} is locked${s.stale ? ' (STALE: its lease expired)' : ''} by ${h.who} since ${h.since}\n` +
          `  verb ${h.verb}, pid ${h.pid} on ${h.host}, run ${h.runId}\n` +
          `  last heartbeat ${h.heartbeat ?? 'never'}, lease ${h.expires ? `until ${h.expires}` : 'without expiry'}\n` +
          (h.message ? `  message ${h.message}\n` : '') +
          `  store ${s.location}`,
      );
      return;
    }
    if (action === 'release') {
      if (run.global.dryRun) {
        throw new UserError('lock release has no dry run: with --dry-run it would still remove the lock', {
          hint: `nothing was done; fragctl ${run.envName} lock status shows the holder`,
          code: 'USAGE',
        });
      }
      const r = await releaseLock(ctx, !!opts.force);
      if (run.global.json) return run.io.json(r);
      run.io.result(r.released ? `released the lock of ${r.env}` : `${r.env} was not locked`);
      return;
    }
    throw new UserError(`unknown lock action "${action}"`, {
      hint: `use fragctl ${run.envName} lock status, or lock release --force`,
      code: 'USAGE',
    });
  },
});
