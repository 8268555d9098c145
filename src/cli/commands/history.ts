import { InvalidArgumentError } from 'commander';
import { defineVerb } from '../verb.js';
import { envHistory } from '../../core/records/history.js';
import type { RunRecord } from '../../core/records/types.js';
import { table } from '../render.js';

interface Opts {
  limit: number;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd.option('-n, --limit <n>', 'how many runs to show, newest first', limitArg, 20);
  },
  async run(run, opts) {
    const result = await envHistory(run.context(), opts.limit);
    if (run.global.json) return run.io.json(result);
    if (result.records.length === 0) return run.io.result(`no runs recorded for ${result.env} (${result.store})`);
    run.io.result(recordsTable(result.records, false));
  },
});

/** -n: a whole number, 1 or more; anything else is a usage error (exit 2), not the default in silence. */
export function limitArg(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number, 1 or more.');
  return n;
}

export function duration(r: RunRecord, now = Date.now()): string {
  const ms = r.durationMs ?? now - Date.parse(r.startedAt);
  if (!Number.isFinite(ms)) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return r.durationMs === undefined ? `${s}s…` : `${s}s`;
  const text =
    s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return r.durationMs === undefined ? `${text}…` : text;
}

export function recordsTable(records: RunRecord[], withEnv: boolean): string {
  const head = [...(withEnv ? ['ENV'] : []), 'STARTED', 'VERB', 'OUTCOME', 'DURATION', 'WHO', 'COMMIT', 'RUN'];
  return table(
    head,
    records.map((r) => [
      ...(withEnv ? [r.env] : []),
      r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.verb,
      r.error ? `${r.outcome} (${r.error.code})` : r.outcome,
      duration(r),
      r.who,
      r.commit === 'unknown' ? 'unknown' : r.commit.slice(0, 8) + (r.commit.endsWith('+dirty') ? '+dirty' : ''),
      r.id,
    ]),
  );
}
