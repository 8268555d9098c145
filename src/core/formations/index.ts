import { createHash } from 'node:crypto';
import { mergeFormations } from './merge.js';
import { dumpYaml, readFormations, type Template } from './read.js';

export { mergeFormations } from './merge.js';
export { readFormations, readFormation, dumpYaml, IMAGE_FORMATION, type Template, type FormationFile } from './read.js';

export type TemplateFormat = 'json' | 'yaml';

/** Read every formation of the project and merge them into the environment template. */
export function buildTemplate(projectDir: string): Template {
  return mergeFormations(readFormations(projectDir));
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
