import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { UserError } from '../errors.js';

const TEMPLATE_RE = /\.(json|ya?ml)$/;
export const IMAGE_FORMATION = 'image.json';

export interface FormationSelection {
  /** File names or globs relative to formations/, in merge order (the `formations:` setting). */
  list?: string[];
  /** Where the list is written, for error messages. */
  source?: string;
}

/**
 * The formation files of the environment template, relative to the project (formations/…).
 * Without a list: every template in formations/ but image.json, sorted. With one: each entry in
 * its order (a glob's matches sorted), each file once; an entry that matches nothing is an error.
 */
export function selectFormations(projectDir: string, selection: FormationSelection = {}): string[] {
  const dir = join(projectDir, 'formations');
  if (!existsSync(dir)) {
    throw new UserError('no formations/ folder in the project', {
      hint: 'create formations/ with your CloudFormation templates',
      code: 'FORMATIONS_EMPTY',
    });
  }
  const all = (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => TEMPLATE_RE.test(f) && f !== IMAGE_FORMATION)
    .sort();
  if (!selection.list) {
    const top = all.filter((f) => !f.includes('/'));
    if (top.length === 0) {
      throw new UserError('formations/ holds no templates (*.json, *.yaml)', {
        hint: 'add at least one CloudFormation template; image.json alone describes the image instance',
        code: 'FORMATIONS_EMPTY',
      });
    }
    return top.map((f) => `formations/${f}`);
  }
  const chosen: string[] = [];
  for (const entry of selection.list) {
    const name = entry.replace(/^(\.\/)?formations\//, '');
    const where = `formations: "${entry}" in ${selection.source ?? 'playbooks/group_vars/all.yml'}`;
    if (name === IMAGE_FORMATION) {
      throw new UserError(`${where}: image.json describes the image instance and is not part of the environment template`, {
        hint: 'remove it from formations: (bake reads it on its own)',
        code: 'FORMATION_LIST',
      });
    }
    const isMatch = picomatch(name);
    const matches = all.filter((f) => isMatch(f));
    if (matches.length === 0) {
      throw new UserError(`${where} matches no file in formations/`, {
        hint: `fix the name or remove it from the list; formations/ holds ${all.join(', ') || 'no templates'}`,
        code: 'FORMATION_MISSING',
      });
    }
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return chosen.map((f) => `formations/${f}`);
}
