import { defineVerb } from '../verb.js';
import { validateEnvironment } from '../../core/validate.js';
import { ok, table } from '../render.js';

export default defineVerb({
  async run(run) {
    const result = await validateEnvironment(run.context());
    if (run.global.json) run.io.json(result);
    else run.io.result(table(['CHECK', 'RESULT', 'DETAIL'], result.checks.map((c) => [c.name, ok(c.ok), c.detail])));
    return result.ok ? 0 : 1;
  },
});
