import { defineVerb } from '../verb.js';
import { allRuns } from '../../core/records/history.js';
import { limitArg, recordsTable } from './history.js';

interface Opts {
  limit: number;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd.option('-n, --limit <n>', 'how many runs to show, newest first', limitArg, 50);
  },
  async run(run, opts) {
    const g = run.global;
    const result = await allRuns(run.project(), run.io, { region: g.region, profile: g.profile, endpointUrl: g.endpointUrl }, opts.limit);
    if (g.json) return run.io.json(result);
    if (result.records.length === 0) return run.io.result('no runs recorded yet');
    run.io.result(recordsTable(result.records, true));
  },
});
