import { UserError } from '../errors.js';
import type { Template } from './read.js';

interface Edge {
  to: string;
  /** How the dependency is written, and where: `Ref B at Resources.A.Properties.X`. */
  how: string;
}

/**
 * Resources that depend on each other in a circle (through Ref, Fn::GetAtt, Fn::Sub or
 * DependsOn) can never be created. The first cycle found is an error naming each step and the
 * file it is written in.
 */
export function checkCycles(template: Template, fileOf: (section: string, id: string) => string): void {
  const resources = (template.Resources as Record<string, Record<string, unknown>> | undefined) ?? {};
  const ids = new Set(Object.keys(resources));
  const edges = new Map<string, Edge[]>();
  for (const [id, body] of Object.entries(resources)) {
    const out: Edge[] = [];
    collect(body, ['Resources', id], ids, out);
    edges.set(id, out);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ id: string; edge?: Edge }> = [];
  const visit = (id: string, via?: Edge): Array<{ id: string; edge?: Edge }> | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') {
      const start = stack.findIndex((s) => s.id === id);
      return [...stack.slice(start), { id, edge: via }];
    }
    state.set(id, 'open');
    stack.push({ id, edge: via });
    for (const e of edges.get(id) ?? []) {
      const found = visit(e.to, e);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...ids].sort()) {
    const cycle = visit(id);
    if (!cycle) continue;
    const steps = cycle.slice(1).map((step, i) => `${fileOf('Resources', cycle[i]!.id)}: ${step.edge!.how}`);
    throw new UserError(`dependency cycle between resources ${cycle.map((s) => s.id).join(' → ')}: ${steps.join('; ')}`, {
      hint: 'remove one of these dependencies (e.g. move a security group rule into its own resource)',
      code: 'FORMATION_CYCLE',
    });
  }
}

function collect(node: unknown, path: string[], ids: Set<string>, out: Edge[]): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => collect(n, [...path, String(i)], ids, out));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const at = path.join('.');
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'Ref' && typeof value === 'string' && ids.has(value)) out.push({ to: value, how: `Ref ${value} at ${at}` });
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.split('.')[0] : undefined;
      if (typeof target === 'string' && ids.has(target)) out.push({ to: target, how: `Fn::GetAtt ${target} at ${at}` });
    } else if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(value) ? [value[0], value[1]] : [value, undefined];
      const local = new Set(Object.keys((vars as object | undefined) ?? {}));
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const id = (m[1] ?? '').split('.')[0] ?? '';
          if (ids.has(id) && !local.has(id)) out.push({ to: id, how: `Fn::Sub \${${m[1]}} at ${at}` });
        }
      }
    } else if (key === 'DependsOn' && path.length === 2) {
      for (const dep of Array.isArray(value) ? value : [value]) {
        if (typeof dep === 'string' && ids.has(dep)) out.push({ to: dep, how: `DependsOn ${dep} at ${at}` });
      }
      continue;
    }
    collect(value, [...path, key], ids, out);
  }
}
