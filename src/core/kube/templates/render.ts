/**
 * Rendering the ops project's Kubernetes templates with nunjucks (Jinja syntax, as in Ansible):
 * undefined variables are errors naming the file, line and variable; syntax errors name the file,
 * line and column. Nothing is sent anywhere from here.
 */
import nunjucks from 'nunjucks';
import { UserError } from '../../errors.js';
import { FILTERS } from './filters.js';
import { undefinedVariables } from './undefined-vars.js';
import { OPTIONAL_VARS } from './optional-vars.js';

export type TemplateVars = Record<string, unknown>;

let env: nunjucks.Environment | undefined;

function environment(): nunjucks.Environment {
  if (env) return env;
  env = new nunjucks.Environment(null, { throwOnUndefined: true, autoescape: false, trimBlocks: true, lstripBlocks: true });
  for (const [name, fn] of Object.entries(FILTERS)) env.addFilter(name, fn);
  return env;
}

const POSITION = /\[Line (\d+), Column (\d+)\]/;

/** "(path) [Line 3, Column 11]\n  expected variable end" → its parts. */
function located(e: unknown): { line?: number; column?: number; why: string } {
  const text = (e as Error).message ?? String(e);
  const m = POSITION.exec(text);
  const why =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1)
      ?.replace(/^Error: /, '') ?? text;
  return { line: m ? Number(m[1]) : undefined, column: m ? Number(m[2]) : undefined, why };
}

function syntaxError(file: string, e: unknown): UserError {
  const { line, column, why } = located(e);
  return new UserError(`${file}${line ? `:${line}:${column}` : ''}: template syntax error: ${why}`, {
    hint: 'templates use Jinja syntax: {{ variable }}, {{ value | filter }}, {% if %}...{% endif %}, {% for %}...{% endfor %}',
    code: 'KUBE_TEMPLATE_SYNTAX',
  });
}

/**
 * Variables may be given lazily (the vault is decrypted only when a template needs a name that
 * nothing else defines): `more` is called once with the missing names and returns extra values.
 */
export async function renderTemplate(
  source: string,
  file: string,
  vars: TemplateVars,
  more?: (names: string[]) => Promise<TemplateVars>,
): Promise<string> {
  const e = environment();
  try {
    new nunjucks.Template(source, e, file, true);
  } catch (err) {
    throw syntaxError(file, err);
  }
  const defined = (name: string) => name in vars || OPTIONAL_VARS.has(name) || name in (e as unknown as { globals: object }).globals;
  let missing = undefinedVariables(source, defined);
  if (missing.length && more) {
    Object.assign(vars, await more(missing.map((m) => m.name)));
    missing = undefinedVariables(source, defined);
  }
  if (missing.length) {
    const m = missing[0]!;
    const others = missing.slice(1).map((x) => x.name);
    throw new UserError(
      `${file}:${m.line}:${m.column}: undefined variable "${m.name}"${others.length ? ` (also: ${others.join(', ')})` : ''}`,
      {
        hint: `define ${m.name} in playbooks/group_vars/all.yml, the environment's settings or the vault, or write {{ ${m.name} | default(...) }}`,
        code: 'KUBE_TEMPLATE_UNDEFINED',
      },
    );
  }
  try {
    return e.renderString(source, vars);
  } catch (err) {
    const { line, column, why } = located(err);
    const where = `${file}${line ? `:${line}:${column}` : ''}`;
    if (/undefined value/.test(why)) {
      const expr = line ? /\{\{-?\s*([\w.[\]'"]+)/.exec(source.split('\n')[line - 1]?.slice((column ?? 1) - 1) ?? '')?.[1] : undefined;
      throw new UserError(`${where}: ${expr ? `"${expr}" is undefined` : 'a value is undefined'}`, {
        hint: 'a key is missing from a mapping; give it a value or use | default(...)',
        code: 'KUBE_TEMPLATE_UNDEFINED',
      });
    }
    throw new UserError(`${where}: template error: ${why}`, {
      hint: "fix the template; filters beside nunjucks' own: b64encode, b64decode, to_json, to_yaml, quote",
      code: 'KUBE_TEMPLATE',
    });
  }
}

/** A one-line pattern such as `stack-{{ user }}-{{ stack_name }}` (namespace, host). */
export function renderPattern(pattern: string, what: string, vars: TemplateVars): string {
  if (!pattern.includes('{')) return pattern;
  const missing = undefinedVariables(pattern, (n) => n in vars);
  if (missing.length) {
    throw new UserError(`${what}: "${pattern}" uses undefined variable "${missing[0]!.name}"`, {
      hint: `available: ${Object.keys(vars).sort().join(', ')}`,
      code: 'KUBE_SETTINGS',
    });
  }
  try {
    return environment().renderString(pattern, vars).trim();
  } catch (err) {
    throw new UserError(`${what}: "${pattern}": ${located(err).why}`, {
      hint: 'a Jinja pattern such as stack-{{ user }}-{{ stack_name }}',
      code: 'KUBE_SETTINGS',
    });
  }
}
