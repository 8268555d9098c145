import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { defineVerb } from '../verb.js';
import { serializeTemplate, type TemplateFormat } from '../../core/formations/index.js';
import { desiredTemplate } from '../../core/aws/stack.js';
import { workingDir } from '../../core/environ.js';

interface Opts {
  output?: string;
  format: TemplateFormat;
}

export default defineVerb<Opts>({
  configure(cmd) {
    cmd
      .option('-o, --output <file>', 'write the template to a file instead of stdout')
      .addOption(new Option('--format <format>', 'json or yaml').choices(['json', 'yaml']).default('json'));
  },
  async run(run, opts) {
    const text = serializeTemplate(desiredTemplate(run.context()).template, opts.format);
    if (opts.output) {
      writeFileSync(resolve(workingDir(), opts.output), text);
      run.io.emit({ level: 'success', code: 'template.written', message: `wrote ${opts.output}` });
      if (run.global.json) run.io.json({ output: opts.output, format: opts.format });
      return;
    }
    run.io.raw(text);
  },
});
