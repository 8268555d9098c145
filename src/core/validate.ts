import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { buildTemplate, serializeTemplate, declaredParameters } from './formations/index.js';
import { validateTemplate } from '../providers/aws/cloudformation.js';
import { info } from './io.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ValidateResult {
  environment: string;
  ok: boolean;
  checks: Check[];
}

/**
 * Every local check, then CloudFormation's own ValidateTemplate on the configured endpoint.
 * Local errors (bad YAML, conflicts, dangling references) throw UserError straight from the merge.
 */
export async function validateEnvironment(ctx: Context): Promise<ValidateResult> {
  const { env, project } = ctx;
  const checks: Check[] = [];
  checks.push({ name: 'settings', ok: true, detail: `${env.file ?? 'defaults'} and playbooks/group_vars/all.yml parse and match the schema` });

  const template = buildTemplate(project.paths.dir);
  const resources = Object.keys(template.Resources as object).length;
  checks.push({ name: 'template', ok: true, detail: `formations merge into ${resources} resources with no conflicts or dangling references` });

  const keyFile = join(project.paths.keys, `${env.settings.key_name}.pem`);
  if (env.aws.connection === 'local') {
    checks.push({ name: 'key', ok: true, detail: 'local connection: no SSH key needed' });
  } else if (!existsSync(keyFile)) {
    checks.push({ name: 'key', ok: false, detail: `keys/${env.settings.key_name}.pem is missing` });
  } else {
    const mode = statSync(keyFile).mode & 0o777;
    checks.push({ name: 'key', ok: (mode & 0o077) === 0, detail: (mode & 0o077) === 0 ? `keys/${env.settings.key_name}.pem` : `keys/${env.settings.key_name}.pem is mode ${mode.toString(8)}: run chmod 600 keys/${env.settings.key_name}.pem` });
  }

  const playbook = join(project.paths.playbooks, 'image.yml');
  checks.push({ name: 'image playbook', ok: existsSync(playbook), detail: existsSync(playbook) ? 'playbooks/image.yml' : 'playbooks/image.yml is missing' });

  info(ctx.io, 'validate.remote', 'asking CloudFormation to validate the merged template');
  const remote = await validateTemplate(ctx.aws, serializeTemplate(template, 'json'));
  const local = declaredParameters(template).sort();
  // Some endpoints (the local emulator) accept a template without listing its parameters.
  const missing = remote.parameters.length ? local.filter((p) => !remote.parameters.includes(p)) : [];
  checks.push({
    name: 'ValidateTemplate',
    ok: missing.length === 0,
    detail: missing.length ? `CloudFormation does not see parameters ${missing.join(', ')}` : `accepted (${local.length} parameters declared)`,
  });
  return { environment: env.name, ok: checks.every((c) => c.ok), checks };
}
