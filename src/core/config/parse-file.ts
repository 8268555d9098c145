import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../errors.js';

/** Reads a YAML (or JSON, which is YAML) file; a syntax error names file, line and column. */
export function readYamlFile(path: string, root: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${relative(root, path) || path}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
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
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${label}:${pos.line}:${pos.col}` : label;
    const what = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'syntax error';
    throw new UserError(`${where}: ${what}`, { hint: 'fix the YAML syntax at that position', code: 'CONFIG_SYNTAX' });
  }
  return doc.toJS() ?? {};
}
