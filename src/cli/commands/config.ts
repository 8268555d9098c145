import jsYaml from 'js-yaml';
import { defineVerb } from '../verb.js';
import { effectiveConfig } from '../../core/effective-config.js';

export default defineVerb({
  async run(run) {
    const ctx = run.context();
    const config = effectiveConfig(ctx);
    const plain = [
      ...(ctx.project.plainSecrets ?? []).map((k) => `playbooks/group_vars/all.yml: ${k}`),
      ...(ctx.env.plainSecrets ?? []).map((k) => `${ctx.env.file ?? ctx.env.name}: ${k}`),
    ];
    for (const where of plain) {
      run.io.emit({
        level: 'warn',
        code: 'config.plain-secret',
        message: `${where} looks like a secret written in plain text (its value is masked); it belongs in the vault: move it to playbooks/group_vars/all/vault.yml (ansible-vault edit) and refer to it as "{{ vault_… }}"`,
      });
    }
    if (run.global.json) return run.io.json(config);
    run.io.result(jsYaml.dump(config, { lineWidth: -1, skipInvalid: true }));
  },
});
