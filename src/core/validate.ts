import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { isFragError } from './errors.js';
import { checkPrivateKey, displayPath } from './ansible/keys.js';
import { declaredParameters, serializeTemplate, type Template } from './formations/index.js';
import { lintCacheFile, lintTemplate } from './formations/lint.js';
import { buildParameters, PLACEHOLDER_IMAGE, templateParameters } from './aws/parameters.js';
import { desiredTemplate } from './aws/stack.js';
import { validateTemplate } from '../providers/aws/cloudformation.js';
import { info } from './io.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A passing check with something to look at (a cfn-lint warning). */
  warning?: boolean;
  hint?: string;
}

export interface ValidateResult {
  environment: string;
  ok: boolean;
  checks: Check[];
}

const failed = (name: string, e: unknown): Check => {
  if (!isFragError(e)) throw e;
  return { name, ok: false, detail: [e.message, ...e.details].join('\n'), hint: e.hint };
};

/**
 * Every check `plan` makes, then CloudFormation's own ValidateTemplate on the configured endpoint.
 * Each check is reported, whatever the others found: a failing merge skips only the checks that
 * need the template, and a refusal by the endpoint does not hide the local results.
 */
export async function validateEnvironment(ctx: Context): Promise<ValidateResult> {
  const { env, project } = ctx;
  const checks: Check[] = [];
  checks.push({
    name: 'settings',
    ok: true,
    detail: `${env.file ?? 'defaults'} and playbooks/group_vars/all.yml parse and match the schema`,
  });

  let template: Template | undefined;
  try {
    template = desiredTemplate(ctx).template;
    const resources = Object.keys(template.Resources as object).length;
    checks.push({
      name: 'template',
      ok: true,
      detail: `formations merge into ${resources} resources with no conflicts, dangling references or cycles`,
    });
  } catch (e) {
    checks.push(failed('template', e));
  }
  let lintErrors = -1;
  let lintWarnings: string[] = [];
  if (template) {
    try {
      const lint = await lintTemplate(template, ctx.aws.config.region, { cacheFile: lintCacheFile() });
      lintErrors = lint.errors.length;
      lintWarnings = lint.warningMessages;
      if (!lint.checker)
        checks.push({
          name: 'cfn-lint',
          ok: true,
          warning: true,
          detail: 'not installed: skipped',
          hint: '`bash scripts/setup.sh` installs it in .venv (or `pip install cfn-lint`)',
        });
      else if (!lint.errors.length && !lint.warnings.length) checks.push({ name: 'cfn-lint', ok: true, detail: 'no errors, no warnings' });
      for (const e of lint.errors) checks.push({ name: 'cfn-lint', ok: false, detail: e });
      for (const w of lint.warnings) checks.push({ name: 'cfn-lint', ok: true, warning: true, detail: w });
    } catch (e) {
      checks.push(failed('cfn-lint', e));
    }
    checks.push(await parametersCheck(ctx, template));
  } else {
    checks.push({ name: 'parameters', ok: false, detail: 'skipped: the formations do not merge' });
  }
  checks.push(keyCheck(ctx));
  const playbook = join(project.paths.playbooks, 'image.yml');
  checks.push({
    name: 'image playbook',
    ok: existsSync(playbook),
    detail: existsSync(playbook) ? 'playbooks/image.yml' : 'playbooks/image.yml is missing',
  });
  if (template) checks.push(await remoteCheck(ctx, template, lintErrors, lintWarnings));
  return { environment: env.name, ok: checks.every((c) => c.ok), checks };
}

/** The stack parameters as plan builds them; with the vault locked, all but the database password. */
async function parametersCheck(ctx: Context, template: Template): Promise<Check> {
  const declared = Object.keys(templateParameters(template)).length;
  const detail = (values: Record<string, string>): string =>
    `${Object.keys(values).length} passed by fragctl, ${declared - Object.keys(values).length} keep their Default; every value within its type and constraints`;
  try {
    return { name: 'parameters', ok: true, detail: detail(await buildParameters(ctx, template, PLACEHOLDER_IMAGE)) };
  } catch (e) {
    if (!isFragError(e) || e.code !== 'VAULT_PASSWORD') return failed('parameters', e);
    try {
      const values = await buildParameters(ctx, template, PLACEHOLDER_IMAGE, { secrets: false });
      return {
        name: 'parameters',
        ok: true,
        warning: true,
        detail: `${detail(values)}; the database password was not checked: ${e.message}`,
        hint: e.hint,
      };
    } catch (e2) {
      return failed('parameters', e2);
    }
  }
}

function keyCheck(ctx: Context): Check {
  if (ctx.env.aws.connection === 'local') return { name: 'key', ok: true, detail: 'local connection: no SSH key needed' };
  try {
    return { name: 'key', ok: true, detail: displayPath(ctx.project.paths.dir, checkPrivateKey(ctx)) };
  } catch (e) {
    return failed('key', e);
  }
}

async function remoteCheck(ctx: Context, template: Template, lintErrors: number, lintWarnings: string[]): Promise<Check> {
  const endpoint = ctx.aws.config.endpointUrl ?? 'CloudFormation';
  info(ctx.io, 'validate.remote', `asking ${endpoint} to validate the merged template`);
  try {
    const remote = await validateTemplate(ctx.aws, serializeTemplate(template, 'json'));
    const local = declaredParameters(template).sort();
    // Some endpoints (the local emulator) accept a template without listing its parameters.
    const missing = remote.parameters.length ? local.filter((p) => !remote.parameters.includes(p)) : [];
    return {
      name: 'ValidateTemplate',
      ok: missing.length === 0,
      detail: missing.length
        ? `CloudFormation does not see parameters ${missing.join(', ')}`
        : `accepted (${local.length} parameters declared)`,
    };
  } catch (e) {
    if (!isFragError(e) || e.code === 'AWS_UNREACHABLE') return failed('ValidateTemplate', e);
    // Some endpoints wrap a template finding in a message about a stack ("Stack with id <finding> does not exist").
    const reason = e.message.replace(/^CloudFormation rejected the template: /, '').replace(/^Stack with id (.+) does not exist$/s, '$1');
    const warning = lintWarnings.find((w) => reason.includes(w.slice(w.indexOf(' ') + 1)));
    const clean = lintErrors === 0;
    // A refusal over what is only a cfn-lint warning is the endpoint's own lint (AWS accepts such
    // templates): a warning, as cfn-lint's own row is, not a failure of the template.
    return {
      name: 'ValidateTemplate',
      ok: !!warning,
      ...(warning ? { warning: true } : {}),
      detail: warning
        ? `${endpoint} refused the template over what cfn-lint reports as a warning: ${warning}`
        : `${endpoint} refused the template: ${reason}`,
      hint: warning
        ? 'AWS CloudFormation accepts templates with cfn-lint warnings; an emulator that runs cfn-lint itself (moto) refuses them: fix the warning, or check the template against AWS'
        : clean
          ? "cfn-lint finds no error in the merged template: this is the endpoint's own verdict; if it is an emulator, check the template against AWS"
          : 'fix the cfn-lint errors above first; the endpoint refuses the same template',
    };
  }
}
