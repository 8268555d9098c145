import { defineVerb } from '../verb.js';
import { localDestroy } from '../../core/local/local.js';

export default defineVerb({
  async run(run) {
    const result = await localDestroy(run.context());
    if (run.global.json) run.io.json(result);
    else run.io.result(result.vagrant ? 'vagrant machines destroyed' : `removed ${result.removed.length} deploy root(s)`);
  },
});
