import { table } from './render.js';
import type { ParameterChange } from '../core/aws/changes.js';

interface ResourceChange {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
  properties?: Array<{ path: string; before?: string; after?: string; recreation?: string }>;
}

const show = (v: string | undefined): string => (v === undefined ? '(none)' : v.length > 60 ? `${v.slice(0, 57)}...` : v);

/**
 * A change set as the operator reviews it: one row per resource, then its changed properties with
 * before → after; `more` names what a change set does not list (outputs and tags that change).
 */
export function changeTable(changes: ResourceChange[], parameters: ParameterChange[] = [], more = ''): string {
  const out: string[] = [];
  if (changes.length) {
    const rows = changes.flatMap((c) => [
      [c.action, c.logicalId, c.type, c.replacement, ''],
      ...(c.properties ?? []).map((p) => [
        '',
        `  ${p.path}`,
        '',
        p.recreation ? `recreation: ${p.recreation}` : '',
        `${show(p.before)} → ${show(p.after)}`,
      ]),
    ]);
    out.push(table(['ACTION', 'RESOURCE', 'TYPE', 'REPLACEMENT', 'BEFORE → AFTER'], rows));
  }
  if (parameters.length) {
    out.push(
      table(
        ['PARAMETER', 'BEFORE → AFTER'],
        parameters.map((p) => [p.name, p.secret ? 'changed (secret, values not shown)' : `${show(p.before)} → ${show(p.after)}`]),
      ),
    );
  }
  if (!changes.length && parameters.length)
    out.push(`no resource changes: ${more ? `parameters change; ${more}` : 'only parameters change'}`);
  else if (!changes.length && more) out.push(`no resource changes: ${more}`);
  else if (more) out.push(more);
  return out.join('\n');
}
