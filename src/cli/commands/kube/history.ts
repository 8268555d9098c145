import { defineVerb } from '../../verb.js';
import { kubeHistory } from '../../../core/kube/status.js';
import { table } from '../../render.js';
import { limitArg } from '../history.js';

interface Opts {
  limit?: number;
}

export default defineVerb<Opts>({
  configure(cmd) {
    // The same -n as the AWS and local history, so that `fragctl <env> history -n N` works on every platform.
    cmd.option('-n, --limit <n>', 'how many releases to show, the newest (default: all)', limitArg);
  },
  async run(run, opts) {
    const all = await kubeHistory(run.context());
    const h = opts.limit ? { ...all, entries: all.entries.slice(-opts.limit) } : all;
    if (run.global.json) return run.io.json(h);
    if (!h.entries.length) return run.io.result(`no releases recorded in ${h.namespace}`);
    const digests = (e: (typeof h.entries)[number]) =>
      [
        ...new Set(
          e.images
            .map((i) =>
              i.digest ? `${i.digest.slice(0, 19)}${i.digestSource && i.digestSource !== 'pods' ? ` (${i.digestSource})` : ''}` : undefined,
            )
            .filter(Boolean),
        ),
      ].join(' ');
    run.io.result(
      table(
        ['REL', 'VERB', 'STATUS', 'IMAGE', 'DIGESTS', 'WHO', 'WHEN', 'NOTE'],
        h.entries.map((e) => [e.version, e.verb, e.status, e.image, digests(e), e.who, e.when, e.note]),
      ),
    );
  },
});
