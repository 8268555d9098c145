import chalk from 'chalk';
import { defineVerb } from '../verb.js';
import { validateEnvironment, type Check } from '../../core/validate.js';
import { ok, table } from '../render.js';

const result = (c: Check): string => (c.ok && c.warning ? chalk.yellow('warn') : ok(c.ok));
const detail = (c: Check): string => (c.hint ? `${c.detail}\n${chalk.dim('hint:')} ${c.hint}` : c.detail);

export default defineVerb({
  async run(run) {
    const r = await validateEnvironment(run.context());
    if (run.global.json) run.io.json(r);
    else
      run.io.result(
        table(
          ['CHECK', 'RESULT', 'DETAIL'],
          r.checks.map((c) => [c.name, result(c), detail(c)]),
        ),
      );
    return r.ok ? 0 : 1;
  },
});
