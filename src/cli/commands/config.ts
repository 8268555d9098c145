import jsYaml from 'js-yaml';
import { defineVerb } from '../verb.js';
import { effectiveConfig } from '../../core/effective-config.js';

export default defineVerb({
  async run(run) {
    const config = effectiveConfig(run.context());
    if (run.global.json) return run.io.json(config);
    run.io.result(jsYaml.dump(config, { lineWidth: -1, skipInvalid: true }));
  },
});
