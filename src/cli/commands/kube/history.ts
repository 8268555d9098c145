import { defineVerb } from '../../verb.js';
import { kubeHistory } from '../../../core/kube/status.js';
import { table } from '../../render.js';

export default defineVerb({
  async run(run) {
    const h = await kubeHistory(run.context());
    if (run.global.json) return run.io.json(h);
    if (!h.entries.length) return run.io.result(`no deploys recorded in ${h.namespace}`);
    run.io.result(table(['REV', 'VERB', 'IMAGE', 'WHO', 'WHEN', 'NOTE'], h.entries.map((e) => [e.revision, e.verb, e.image, e.who, e.when, e.note])));
  },
});
