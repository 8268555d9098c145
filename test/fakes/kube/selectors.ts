/** labelSelector and fieldSelector query parameters, as the API server parses them. */
import { badRequest } from './status.js';
import { isObject, type KubeObject } from './types.js';

type Op = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
interface Requirement { key: string; op: Op; values: string[] }
export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string): Requirement {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { key: m[1]!, op: m[2] as Op, values: m[3]!.split(',').map((v) => v.trim()) };
  m = /^([\w./-]+)\s*(==|=|!=|>|<)\s*([\w.-]*)$/.exec(text);
  if (m) {
    const op = m[2] === '==' ? '=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as Op);
    return { key: m[1]!, op, values: [m[3]!] };
  }
  m = /^(!?)\s*([\w./-]+)$/.exec(text);
  if (m) return { key: m[2]!, op: m[1] ? '!' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: ${text}`);
}

function matches(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case '=': return value === req.values[0];
    case '!=': return value !== req.values[0];
    case 'in': return value !== undefined && req.values.includes(value);
    case 'notin': return value === undefined || !req.values.includes(value);
    case 'exists': return value !== undefined;
    case '!': return value === undefined;
    case 'gt': return value !== undefined && Number(value) > Number(req.values[0]);
    case 'lt': return value !== undefined && Number(value) < Number(req.values[0]);
  }
}

export function parseLabelSelector(text: string | null | undefined): Matcher {
  const reqs = splitTop(text ?? '').map(parseRequirement);
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

/** Field selectors each kind supports (plus metadata.name and metadata.namespace everywhere). */
const FIELDS: Record<string, string[]> = {
  Pod: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.podIP', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Job: ['status.successful'],
  ReplicaSet: ['status.replicas'],
};

function fieldValue(obj: KubeObject, path: string): string | undefined {
  if (obj.kind === 'Job' && path === 'status.successful') return String((obj.status?.succeeded as number | undefined) ?? 0);
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isObject(cur) ? cur[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

export function parseFieldSelector(text: string | null | undefined, kind: string): Matcher {
  const reqs = splitTop(text ?? '').map((part) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1]!;
    if (!field.startsWith('metadata.') && !(FIELDS[kind] ?? []).includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    if (field.startsWith('metadata.') && field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, neg: m[2] === '!=', value: m[3]! };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.neg);
}

/** A metav1.LabelSelector object (matchLabels + matchExpressions) against labels. */
export function selectorObjectMatches(selector: unknown, labels: Record<string, string> = {}): boolean {
  if (!isObject(selector)) return false;
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return exprs.every((e: unknown) => {
    if (!isObject(e)) return false;
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[String(e.operator) as 'In'];
    return op !== undefined && matches({ key, op, values }, labels[key]);
  });
}
