import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import jsYaml from 'js-yaml';
import { UserError } from '../errors.js';

/** Reads a YAML (or JSON, which is YAML) file; a syntax error names file, line and column. */
export function readYamlFile(path: string, root: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${relative(root, path) || path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      code: 'CONFIG_UNREADABLE',
    });
  }
  return parseYamlText(text, relative(root, path) || path);
}

export function parseYamlText(text: string, label: string): unknown {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new UserError(`${label} is an encrypted vault file where plain YAML was expected`, {
      hint: 'keep secrets in playbooks/group_vars/all/vault.yml and pass --vault-password-file',
      code: 'CONFIG_ENCRYPTED',
    });
  }
  try {
    return jsYaml.load(text, { filename: label }) ?? {};
  } catch (e) {
    if (!(e instanceof jsYaml.YAMLException)) throw e;
    const mark = e.mark as { line: number; column: number } | undefined;
    const where = mark ? `${label}:${mark.line + 1}:${mark.column + 1}` : label;
    throw new UserError(`${where}: ${e.reason}`, { hint: 'fix the YAML syntax at that position', code: 'CONFIG_SYNTAX' });
  }
}
