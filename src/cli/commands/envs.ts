import { defineVerb } from '../verb.js';
import { listEnvironments } from '../../core/environments.js';
import { table } from '../render.js';

export default defineVerb({
  async run(run) {
    const envs = listEnvironments(run.project());
    if (run.global.json) return run.io.json({ environments: envs });
    if (envs.length === 0) return run.io.result('no environments: add environments/<name>.yml');
    run.io.result(
      table(
        ['ENVIRONMENT', 'PLATFORM', 'PROTECTED', 'DESCRIPTION'],
        envs.map((e) => [e.name, e.platform, e.protected ? 'yes' : 'no', e.description ?? '']),
      ),
    );
  },
});
