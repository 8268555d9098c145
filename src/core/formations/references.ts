import { UserError } from '../errors.js';
import type { FormationFile, Template } from './read.js';

interface Defined {
  refs: Set<string>;
  resources: Set<string>;
  conditions: Set<string>;
  mappings: Set<string>;
}

type Finding = string;

/**
 * After the merge, every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn, Condition and
 * Fn::FindInMap map name must point at something that exists. Each dangling reference is named
 * with its file and the path inside it.
 */
export function checkReferences(files: FormationFile[], merged: Template): void {
  const keys = (section: string): Set<string> => new Set(Object.keys((merged[section] as object | undefined) ?? {}));
  const resources = keys('Resources');
  const defined: Defined = {
    refs: new Set([...keys('Parameters'), ...resources]),
    resources,
    conditions: keys('Conditions'),
    mappings: keys('Mappings'),
  };
  const findings: Finding[] = [];
  for (const { file, template } of files) {
    for (const [section, body] of Object.entries(template)) {
      if (body && typeof body === 'object') walk(body, [section], file, defined, findings);
    }
  }
  const [first, ...rest] = findings;
  if (first) {
    throw new UserError(first, {
      hint: 'define the missing ID in a formation, or fix the reference',
      details: rest,
      code: 'FORMATION_DANGLING',
    });
  }
}

function walk(node: unknown, path: string[], file: string, d: Defined, out: Finding[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, [...path, String(i)], file, d, out));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const at = (extra: string[] = []): string => `${file}: ${[...path, ...extra].join('.')}`;
  const missing = (kind: string, id: string, extra: string[] = []): void => {
    out.push(`${at(extra)}: ${kind} to unknown ${kindTarget(kind)} "${id}"`);
  };

  const isResourceEntry = path.length === 2 && path[0] === 'Resources';
  const isOutputEntry = path.length === 2 && path[0] === 'Outputs';
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'Ref' && typeof value === 'string') {
      if (!value.startsWith('AWS::') && !d.refs.has(value)) missing('Ref', value);
    } else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.split('.')[0] : undefined;
      if (typeof target === 'string' && !d.resources.has(target)) missing('Fn::GetAtt', target);
    } else if (key === 'Fn::Sub') {
      checkSub(value, d, (id) => missing('Fn::Sub', id));
    } else if (key === 'Fn::FindInMap' && Array.isArray(value) && typeof value[0] === 'string') {
      if (!d.mappings.has(value[0])) missing('Fn::FindInMap', value[0]);
    } else if (key === 'Fn::If' && Array.isArray(value) && typeof value[0] === 'string') {
      if (!d.conditions.has(value[0])) missing('Fn::If', value[0]);
    } else if (key === 'Condition' && typeof value === 'string' && (isResourceEntry || isOutputEntry || path.length > 2)) {
      if (!d.conditions.has(value)) missing('Condition', value, [key]);
      continue;
    } else if (key === 'DependsOn' && isResourceEntry) {
      for (const dep of Array.isArray(value) ? value : [value]) {
        if (typeof dep === 'string' && !d.resources.has(dep)) missing('DependsOn', dep, [key]);
      }
      continue;
    }
    walk(value, [...path, key], file, d, out);
  }
}

function kindTarget(kind: string): string {
  switch (kind) {
    case 'Fn::GetAtt':
    case 'DependsOn':
      return 'resource';
    case 'Condition':
    case 'Fn::If':
      return 'condition';
    case 'Fn::FindInMap':
      return 'mapping';
    default:
      return 'parameter or resource';
  }
}

function checkSub(value: unknown, d: Defined, missing: (id: string) => void): void {
  const [text, vars] = Array.isArray(value) ? [value[0], value[1]] : [value, undefined];
  if (typeof text !== 'string') return;
  const local = new Set(Object.keys((vars as object | undefined) ?? {}));
  for (const match of text.matchAll(/\$\{([^}]+)\}/g)) {
    const expr = match[1] ?? '';
    if (expr.startsWith('!')) continue;
    const id = expr.split('.')[0] ?? '';
    if (id.startsWith('AWS::') || local.has(id)) continue;
    if (expr.includes('.') ? !d.resources.has(id) : !d.refs.has(id)) missing(id);
  }
}
