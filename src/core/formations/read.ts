import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { schema as cfnSchema } from 'yaml-cfn';
import { UserError } from '../errors.js';
import { selectFormations, type FormationSelection } from './select.js';

export { IMAGE_FORMATION } from './select.js';

export type Template = Record<string, unknown>;

export interface FormationFile {
  /** Path relative to the project, e.g. formations/database.yaml. */
  file: string;
  template: Template;
}

/** The selected formations (see select.ts), in merge order. */
export function readFormations(projectDir: string, selection: FormationSelection = {}): FormationFile[] {
  return selectFormations(projectDir, selection).map((file) => readFormation(projectDir, file));
}

export function readFormation(projectDir: string, file: string): FormationFile {
  const path = join(projectDir, file);
  if (!existsSync(path))
    throw new UserError(`${file} does not exist`, { code: 'FORMATION_MISSING', hint: 'see "The ops project" in the README' });
  const text = readFileSync(path, 'utf8');
  const parsed = file.endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`${file}: a template must be a mapping with a Resources section`, { code: 'FORMATION_INVALID' });
  }
  return { file, template: parsed as Template };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const line = before.length;
    const col = (before.at(-1)?.length ?? 0) + 1;
    const what = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new UserError(`${file}:${line}:${col}: ${what}`, { hint: 'fix the JSON syntax at that position', code: 'FORMATION_SYNTAX' });
  }
}

function parseYaml(text: string, file: string): unknown {
  try {
    return jsYaml.load(text, { schema: cfnSchema, filename: file });
  } catch (e) {
    if (e instanceof jsYaml.YAMLException) {
      const mark = e.mark as { line: number; column: number } | undefined;
      const where = mark ? `${file}:${mark.line + 1}:${mark.column + 1}` : file;
      throw new UserError(`${where}: ${e.reason}`, { hint: 'fix the YAML syntax at that position', code: 'FORMATION_SYNTAX' });
    }
    throw e;
  }
}

export function dumpYaml(template: Template): string {
  return jsYaml.dump(template, { schema: cfnSchema, noRefs: true, lineWidth: -1, sortKeys: false });
}

/** A template body as CloudFormation returns it (JSON, or YAML with short forms). */
export function parseTemplateBody(text: string): Template | undefined {
  try {
    const parsed = /^\s*\{/.test(text) ? JSON.parse(text) : jsYaml.load(text, { schema: cfnSchema });
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Template) : undefined;
  } catch {
    return undefined;
  }
}
