/** Rejects what a real API server rejects: schema (kubernetes-models), names, labels, immutable fields. */
import { selectorObjectMatches } from './selectors.js';
import { invalid, type StatusCause } from './status.js';
import { deepEqual, isObject, type KubeObject, type ResourceType } from './types.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

interface AjvError { instancePath?: string; message?: string; params?: Record<string, unknown> }

/** "/spec/template/spec/containers/0" -> "spec.template.spec.containers[0]" */
function fieldPath(instancePath: string, extra?: unknown): string {
  let out = '';
  for (const part of instancePath.split('/').filter(Boolean)) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  if (typeof extra === 'string') out += out ? `.${extra}` : extra;
  return out;
}

function schemaCauses(rt: ResourceType, obj: KubeObject): StatusCause[] {
  try {
    rt.validate?.(obj);
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) return [{ reason: 'FieldValueInvalid', message: String((err as Error).message) }];
    return errors.map((e) => {
      const missing = e.params?.missingProperty;
      return missing !== undefined
        ? { reason: 'FieldValueRequired', message: 'Required value', field: fieldPath(e.instancePath ?? '', missing) }
        : { reason: 'FieldValueInvalid', message: `Invalid value: ${e.message ?? 'invalid'}`, field: fieldPath(e.instancePath ?? '') };
    });
  }
}

function nameCauses(rt: ResourceType, obj: KubeObject): StatusCause[] {
  const name = obj.metadata.name ?? '';
  const re = LABEL_NAMED.has(rt.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
  const max = LABEL_NAMED.has(rt.kind) ? 63 : 253;
  if (!name) return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  if (!re.test(name) || name.length > max) {
    return [{ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": a lowercase RFC 1123 ${re === DNS_LABEL ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, field: 'metadata.name' }];
  }
  return [];
}

function labelCauses(labels: unknown, field: string): StatusCause[] {
  if (!isObject(labels)) return [];
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const parts = k.split('/');
    const name = parts.pop() ?? '';
    const prefixOk = parts.length === 0 || (parts.length === 1 && DNS_SUBDOMAIN.test(parts[0]!));
    if (!prefixOk || !QUALIFIED.test(name) || name.length > 63) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`, field });
    if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED.test(v))) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`, field });
  }
  return causes;
}

function specCauses(rt: ResourceType, obj: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const tpl = isObject(spec.template) ? spec.template : {};
  const tplMeta = isObject(tpl.metadata) ? tpl.metadata : {};
  const tplSpec = isObject(tpl.spec) ? tpl.spec : {};
  const causes = labelCauses(tplMeta.labels, 'spec.template.metadata.labels');
  const sel = isObject(spec.selector) ? spec.selector : undefined;
  if ((rt.kind === 'StatefulSet' || rt.kind === 'Deployment') && sel && !isObject(sel.matchLabels) && !Array.isArray(sel.matchExpressions)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: {}: empty selector is invalid for ${rt.kind.toLowerCase()}`, field: 'spec.selector' });
  } else if ((rt.kind === 'StatefulSet' || rt.kind === 'Deployment') && spec.selector !== undefined) {
    const labels = isObject(tplMeta.labels) ? (tplMeta.labels as Record<string, string>) : {};
    if (!selectorObjectMatches(spec.selector, labels)) causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' });
  }
  if (rt.kind === 'StatefulSet' || rt.kind === 'Deployment') {
    if (tplSpec.restartPolicy !== undefined && tplSpec.restartPolicy !== 'Always') causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(tplSpec.restartPolicy)}": supported values: "Always"`, field: 'spec.template.spec.restartPolicy' });
  }
  if (rt.kind === 'Job' && tplSpec.restartPolicy !== 'Never' && tplSpec.restartPolicy !== 'OnFailure') {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value: valid values: "OnFailure", "Never"', field: 'spec.template.spec.restartPolicy' });
  }
  return causes;
}

/** Spec fields an update may change, for kinds that restrict it (nothing listed: any). */
const MUTABLE_SPEC: Record<string, string[]> = {
  StatefulSet: ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'],
  PersistentVolumeClaim: ['resources', 'volumeAttributesClassName'],
};

function immutableCauses(rt: ResourceType, obj: KubeObject, old: KubeObject): StatusCause[] {
  const spec = obj.spec ?? {};
  const oldSpec = old.spec ?? {};
  const causes: StatusCause[] = [];
  const mutable = MUTABLE_SPEC[rt.kind];
  if (mutable) {
    const keys = new Set([...Object.keys(spec), ...Object.keys(oldSpec)].filter((k) => !mutable.includes(k)));
    if ([...keys].some((k) => !deepEqual(spec[k], oldSpec[k]))) {
      causes.push({ reason: 'FieldValueForbidden', message: rt.kind === 'StatefulSet'
        ? "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
        : 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims', field: 'spec' });
    }
  }
  const immutable: Record<string, string[]> = { Deployment: ['selector'], Job: ['selector', 'template', 'completions'], Service: ['clusterIP'] };
  for (const f of immutable[rt.kind] ?? []) {
    if (oldSpec[f] !== undefined && !deepEqual(spec[f], oldSpec[f])) causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field: `spec.${f}` });
  }
  if ((rt.kind === 'Secret' || rt.kind === 'ConfigMap') && old.immutable === true) {
    if (!deepEqual(obj.data, old.data) || !deepEqual(obj.binaryData, old.binaryData) || obj.immutable !== true) {
      causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field: 'data' });
    }
  }
  return causes;
}

/** Throws a 422 Invalid Status when a real server would. `old` is set for updates. */
export function validateObject(rt: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const causes = [
    ...schemaCauses(rt, obj),
    ...nameCauses(rt, obj),
    ...labelCauses(obj.metadata.labels, 'metadata.labels'),
    ...specCauses(rt, obj),
    ...(old ? immutableCauses(rt, obj, old) : []),
  ];
  if (causes.length > 0) throw invalid(rt, obj.metadata.name ?? '', causes);
}
