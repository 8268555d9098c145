import { createHash } from 'node:crypto';
import { mergeFormations } from './merge.js';
import { dumpYaml, readFormations, type Template } from './read.js';
import type { FormationSelection } from './select.js';

export { mergeFormations, formationOf } from './merge.js';
export { readFormations, readFormation, dumpYaml, parseTemplateBody, IMAGE_FORMATION, type Template, type FormationFile } from './read.js';
export { selectFormations, type FormationSelection } from './select.js';

export type TemplateFormat = 'json' | 'yaml';

/** Read the project's selected formations and merge them into the environment template. */
export function buildTemplate(projectDir: string, selection: FormationSelection = {}): Template {
  return mergeFormations(readFormations(projectDir, selection));
}

export function serializeTemplate(template: Template, format: TemplateFormat): string {
  return format === 'yaml' ? dumpYaml(template) : `${JSON.stringify(template, null, 2)}\n`;
}

export function templateHash(template: Template): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 16);
}

/** Parameter names the merged template declares. */
export function declaredParameters(template: Template): string[] {
  return Object.keys((template.Parameters as object | undefined) ?? {});
}
