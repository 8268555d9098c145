/**
 * Finds the variables a template uses that are not defined, before it is rendered: nunjucks'
 * `throwOnUndefined` stops at an undefined value it outputs but does not name the variable, and
 * lets `{{ x | upper }}` through as an empty string. A variable is allowed undefined only as the
 * first argument of `default` or under `is defined` / `is undefined` (as in Ansible).
 */
import nunjucks from 'nunjucks';
import { asText } from '../../text.js';

export interface UndefinedUse {
  name: string;
  /** 1-based. */
  line: number;
  column: number;
}

interface Node {
  typename: string;
  fields?: string[];
  lineno: number;
  colno: number;
  value?: unknown;
  [key: string]: unknown;
}

const children = (n: Node): Node[] =>
  (n.fields ?? []).flatMap((f) => {
    const v = n[f];
    const found: Node[] = Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : [];
    return found;
  });

/** Names bound inside the template: set, for, macro arguments. */
function bound(root: Node): Set<string> {
  const names = new Set<string>(['loop', 'caller', 'range', 'cycler', 'joiner']);
  const visit = (n: Node): void => {
    const add = (t: unknown): void => {
      const node = t as Node | undefined;
      if (!node) return;
      if (node.typename === 'Symbol') names.add(String(node.value));
      else children(node).forEach(add);
    };
    if (n.typename === 'Set') (n.targets as Node[]).forEach(add);
    if (n.typename === 'For' || n.typename === 'AsyncEach' || n.typename === 'AsyncAll') add(n.name);
    if (n.typename === 'Macro') add(n.args);
    if (n.typename === 'Macro' || n.typename === 'Import' || n.typename === 'FromImport') add(n.name ?? n.target);
    children(n).forEach(visit);
  };
  visit(root);
  return names;
}

export function undefinedVariables(source: string, defined: (name: string) => boolean): UndefinedUse[] {
  const root = (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: object): Node } }).parser.parse(source, [], {});
  const local = bound(root);
  const out: UndefinedUse[] = [];
  const visit = (n: Node, allowed: boolean): void => {
    if (n.typename === 'Symbol') {
      const name = String(n.value);
      if (!allowed && !local.has(name) && !defined(name) && !out.some((u) => u.name === name))
        out.push({ name, line: n.lineno + 1, column: n.colno + 1 });
      return;
    }
    if (n.typename === 'Filter') {
      const filter = String((n.name as Node).value);
      const args = children(n.args as Node);
      args.forEach((a, i) => visit(a, allowed || (i === 0 && filter === 'default')));
      return;
    }
    if (n.typename === 'Is') {
      const test = asText((n.right as Node).value);
      visit(n.left as Node, allowed || test === 'defined' || test === 'undefined');
      return;
    }
    if (n.typename === 'If' || n.typename === 'InlineIf') {
      const guarded = definedGuards(n.cond as Node);
      visit(n.cond as Node, allowed);
      for (const f of ['body', 'else_']) if (n[f]) visitGuarded(n[f] as Node, guarded, allowed);
      return;
    }
    children(n).forEach((c) => visit(c, allowed));
  };
  const visitGuarded = (n: Node, guarded: Set<string>, allowed: boolean): void => {
    for (const g of guarded) local.add(g);
    visit(n, allowed);
  };
  visit(root, false);
  return out;
}

/** `x is defined` (also inside and/or) guards x in the body. */
function definedGuards(cond: Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): void => {
    if (n.typename === 'Is' && (n.right as Node).value === 'defined' && (n.left as Node).typename === 'Symbol')
      out.add(String((n.left as Node).value));
    if (n.typename === 'And' || n.typename === 'Or' || n.typename === 'Group') children(n).forEach(visit);
  };
  visit(cond);
  return out;
}
