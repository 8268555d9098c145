import { defineVerb } from '../../verb.js';
import { kubeHistory } from '../../../core/kube/status.js';
import { table } from '../../render.js';

export default defineVerb({
  async run(run) {
    const h = await kubeHistory(run.context());
    if (run.global.json) return run.io.json(h);
    if (!h.entries.length) return run.io.result(`no deploys recorded in ${h.namespace}`);
    const digest = (e: (typeof h.entries)[number]) => (e.digest ? `${e.digest.slice(0, 19)}${e.digestSource && e.digestSource !== 'pods' ? ` (${e.digestSource})` : ''}` : '');
    run.io.result(table(['REV', 'VERB', 'IMAGE', 'DIGEST', 'WHO', 'WHEN', 'NOTE'], h.entries.map((e) => [e.revision, e.verb, e.image, digest(e), e.who, e.when, e.note])));
  },
});
