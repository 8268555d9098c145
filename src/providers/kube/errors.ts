/**
 * What the API server's refusals mean, in one line each with a hint: its Status object read for
 * the field paths of an invalid object, the managers of conflicting fields, and the user, verb,
 * resource and namespace of an RBAC refusal.
 */
import { OperationError, UserError, type ErrorCode, type ExitCode } from '../../core/errors.js';
import type { KubeTarget } from './config.js';

/** The metav1.Status the API server answers errors with. */
export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

/** A field another manager owns, from a 409 of server-side apply. */
export interface FieldConflict {
  field: string;
  manager: string;
}

/** An answer of the API server other than 2xx: its HTTP code, reason, message and Status. */
export class KubeApiError extends OperationError {
  override readonly exitCode: ExitCode;

  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    hint: string,
    readonly body: KubeStatus = {},
    options: { code?: ErrorCode; exitCode?: ExitCode; details?: string[] } = {},
  ) {
    super(message, {
      hint,
      code: options.code ?? (status === 403 ? 'KUBE_FORBIDDEN' : status === 401 ? 'KUBE_UNAUTHORIZED' : `KUBE_${status}`),
      details: options.details,
    });
    this.exitCode = options.exitCode ?? 1;
  }

  /** The fields of a server-side apply conflict (409), each with the manager that owns it. */
  get conflicts(): FieldConflict[] {
    return this.status === 409 ? fieldConflicts(this.body) : [];
  }

  /** The field paths of an invalid object (422), or of an unknown field (400 under strict validation). */
  get invalidFields(): Array<{ field?: string; message: string }> {
    return this.status === 422 || this.status === 400 ? invalidCauses(this.body) : [];
  }
}

export function parseStatus(body: string): KubeStatus {
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    return parsed && typeof parsed === 'object' ? parsed : { message: body.slice(0, 200) };
  } catch {
    return { message: body.slice(0, 200) };
  }
}

/** A field path as people read it: `.spec.replicas` and `spec.replicas` both become `spec.replicas`. */
const path = (field: string): string => field.replace(/^\./, '');

export function fieldConflicts(status: KubeStatus): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const c of status.details?.causes ?? []) {
    const manager = /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1];
    if (c.field && (manager || c.reason === 'FieldManagerConflict'))
      out.push({ field: path(c.field), manager: manager ?? 'another manager' });
  }
  if (!out.length) {
    // Older servers put everything in the message: `conflict with "kubectl" using apps/v1: .spec.replicas`.
    for (const m of (status.message ?? '').matchAll(/conflict with "([^"]+)"[^:]*:\s*(\.[\w.\-/[\]"=]+)/g))
      out.push({ field: path(m[2]!), manager: m[1]! });
  }
  return out;
}

export function invalidCauses(status: KubeStatus): Array<{ field?: string; message: string }> {
  const causes = (status.details?.causes ?? []).map((c) => ({
    field: c.field ? path(c.field) : undefined,
    message: c.message ?? c.reason ?? 'invalid',
  }));
  if (causes.length) return causes;
  // Strict field validation (400): `.spec.foo: field not declared in schema`, or `unknown field "spec.foo"`.
  const m = /(?:^|\s)(\.[\w.\-[\]]+): (.+)$/.exec(status.message ?? '') ?? /unknown field "([^"]+)"()/.exec(status.message ?? '');
  return m ? [{ field: path(m[1]!), message: m[2] || 'unknown field' }] : [];
}

/** `User "bob" cannot list resource "pods" in API group "" in the namespace "x"`, read back into its parts. */
export function rbacRefusal(
  message: string,
): { user: string; verb: string; resource: string; group?: string; namespace?: string } | undefined {
  const m =
    /User "([^"]+)" cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)"| at the cluster scope)?/.exec(
      message,
    );
  if (!m) return undefined;
  return { user: m[1]!, verb: m[2]!, resource: m[3]!, group: m[4] || undefined, namespace: m[5] };
}

/**
 * A server-side apply of an object with a field its schema does not declare: the API server
 * answers 500 "failed to create typed patch object (…): .spec.…: field not declared in schema"
 * (Kubernetes 1.35, with fieldValidation=Strict or without), though the object is what is wrong.
 * Bad input, not a server failure: never retried, exit 2.
 */
export function undeclaredField(status: number, body: string): string | undefined {
  if (status !== 500) return undefined;
  const m = /failed to create typed patch object \([^)]*\): (\S+): field not declared in schema/.exec(parseStatus(body).message ?? '');
  return m?.[1];
}

/** The error for a non-2xx answer to `what` (e.g. "apply StatefulSet app"). */
export function statusError(target: KubeTarget, status: number, body: string, what: string): KubeApiError {
  const st = parseStatus(body);
  const message = st.message ?? `HTTP ${status}`;
  const ctx = `context "${target.context}"`;
  if (status === 403) {
    const r = rbacRefusal(message);
    if (r) {
      const resource = r.group ? `${r.resource}.${r.group}` : r.resource;
      const where = r.namespace ? ` in namespace ${r.namespace}` : ' at the cluster scope';
      return new KubeApiError(
        403,
        'Forbidden',
        `Kubernetes refused to ${what} (403 Forbidden): user "${r.user}" may not ${r.verb} ${resource}${where}`,
        `ask a cluster administrator for a Role${r.namespace ? '' : ' (ClusterRole)'} that allows ${r.verb} on ${resource} for ${r.user}; kubectl auth can-i ${r.verb} ${resource}${r.namespace ? ` -n ${r.namespace}` : ''} --as ${r.user} checks it`,
        st,
      );
    }
    return new KubeApiError(
      403,
      'Forbidden',
      `Kubernetes refused to ${what} (403 Forbidden): ${message}`,
      `the account of ${ctx} lacks this permission; ask a cluster administrator for a Role that allows it`,
      st,
    );
  }
  if (status === 401) {
    return new KubeApiError(
      401,
      'Unauthorized',
      `Kubernetes did not accept the credentials of ${ctx} (401 Unauthorized)`,
      `the token or certificate of the user of ${ctx} in ${target.kubeconfig} is wrong or expired: log in to the cluster again (or fix the kubeconfig) and retry`,
      st,
      { exitCode: 2 },
    );
  }
  const undeclared = undeclaredField(status, body);
  if (undeclared) {
    const kind = what.replace(/^\w+ /, '');
    return new KubeApiError(
      status,
      'Invalid',
      `Kubernetes refused ${kind} as invalid: unknown field "${undeclared.replace(/^\./, '')}" (not in the schema of its kind)`,
      `fix or remove ${undeclared.replace(/^\./, '')} of ${kind} (a misspelt field name, or one of another API version)`,
      st,
      { code: 'KUBE_INVALID', exitCode: 2 },
    );
  }
  if (status === 422 || (status === 400 && st.reason === 'BadRequest' && invalidCauses(st).length)) {
    const first = invalidCauses(st)[0];
    const kind = st.details?.kind ? `${st.details.kind} ${st.details.name ?? ''}`.trim() : what.replace(/^\w+ /, '');
    const line = first ? `${first.field ? `${first.field}: ` : ''}${first.message}` : message;
    return new KubeApiError(
      status,
      st.reason ?? 'Invalid',
      `Kubernetes refused ${kind} as invalid: ${line}`,
      first?.field ? `fix ${first.field} of ${kind} (the setting or template that produces it)` : 'fix the object named above',
      st,
      { code: 'KUBE_INVALID', exitCode: 2 },
    );
  }
  if (status === 409 && fieldConflicts(st).length) {
    const conflicts = fieldConflicts(st);
    const list = conflicts.map((c) => `${c.field} (managed by "${c.manager}")`).join(', ');
    const first = conflicts[0]!;
    return new KubeApiError(
      409,
      'Conflict',
      `cannot ${what}: ${conflicts.length === 1 ? 'a field is' : `${conflicts.length} fields are`} managed by another field manager: ${list}`,
      `the field ${first.field} is managed by "${first.manager}": remove it from the template, or pass --force-conflicts to take it`,
      st,
      { code: 'KUBE_CONFLICT', exitCode: 2 },
    );
  }
  return new KubeApiError(
    status,
    st.reason ?? 'Error',
    `Kubernetes could not ${what}: ${message} (HTTP ${status})`,
    'see the message above; kubectl shows the same object with kubectl get -o yaml',
    st,
  );
}

/** A request that got no answer: refused, dropped, an untrusted certificate, or no answer in time. */
export function unreachable(target: KubeTarget, e: unknown, attempts = 1): OperationError | UserError {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ECONNREFUSED'
      ? 'connection refused'
      : err.code === 'ENOTFOUND'
        ? 'host not found'
        : err.code === 'ECONNRESET'
          ? 'connection dropped'
          : (err.code ?? err.message);
  const tries = attempts > 1 ? `, ${attempts} attempts` : '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SIGNATURE/.test(err.code ?? '')) {
    // The kubeconfig names the wrong CA (or the server its certificate): bad input, exit 2.
    return new UserError(`cannot reach the Kubernetes API server ${target.server} (${why}: its certificate is not trusted)`, {
      hint: `check certificate-authority(-data) of the cluster of context "${target.context}" in ${target.kubeconfig}`,
      code: 'KUBE_TLS',
      cause: e,
    });
  }
  return new OperationError(`cannot reach the Kubernetes API server ${target.server} (${why}${tries})`, {
    hint: `check that the cluster of context "${target.context}" in ${target.kubeconfig} is running and reachable`,
    code: 'KUBE_UNREACHABLE',
    cause: e,
  });
}

export function timedOut(target: KubeTarget, what: string, timeoutMs: number): OperationError {
  return new OperationError(
    `the Kubernetes API server ${target.server} did not answer in ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (${what})`,
    {
      hint: 'the cluster may be overloaded or unreachable; kubernetes.request_timeout in the environment file sets this limit',
      code: 'KUBE_TIMEOUT',
    },
  );
}
