import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { info, warn } from '../io.js';
import { lintCacheFile, lintTemplate } from '../formations/lint.js';
import { buildParameters, PLACEHOLDER_IMAGE } from '../aws/parameters.js';
import { desiredTemplate } from '../aws/stack.js';

/**
 * The local template checks of `plan` (and, one by one, of `validate`): the merge, the stack
 * parameters against their constraints, then cfn-lint when installed. An error stops before any
 * AWS call (exit 2); warnings are reported and returned.
 */
export async function checkTemplate(ctx: Context): Promise<{ checker: 'cfn-lint' | null; warnings: string[] }> {
  const { template } = desiredTemplate(ctx);
  await buildParameters(ctx, template, PLACEHOLDER_IMAGE);
  info(ctx.io, 'plan.lint', 'checking the merged template with cfn-lint');
  const lint = await lintTemplate(template, ctx.aws.config.region, { cacheFile: lintCacheFile() });
  const [first, ...rest] = lint.errors;
  if (first) {
    throw new UserError(`cfn-lint: ${first}`, {
      details: rest.map((e) => `cfn-lint: ${e}`),
      hint: `fix the formation; \`fragctl ${ctx.env.name} validate\` lists every check`,
      code: 'TEMPLATE_LINT',
    });
  }
  for (const w of lint.warnings) warn(ctx.io, 'template.warning', `cfn-lint: ${w}`);
  if (!lint.checker) info(ctx.io, 'template.unchecked', 'cfn-lint is not installed: the template was checked by fragctl only');
  return { checker: lint.checker, warnings: lint.warnings };
}
