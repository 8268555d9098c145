/** Kubernetes `Status` failures, thrown as ApiError and written as JSON by the router. */
import { qualifiedName, type ResourceType } from './types.js';

export interface StatusCause { reason: string; message: string; field?: string }

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.code };
  }
}

const details = (rt: ResourceType, name: string) => ({ name, ...(rt.group ? { group: rt.group } : {}), kind: rt.plural });

export const notFound = (rt: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualifiedName(rt)} "${name}" not found`, details(rt, name));

export const alreadyExists = (rt: ResourceType, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualifiedName(rt)} "${name}" already exists`, details(rt, name));

export const conflict = (rt: ResourceType, name: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, details(rt, name));

export const invalid = (rt: ResourceType, name: string, causes: StatusCause[]) =>
  new ApiError(422, 'Invalid', `${rt.kind}${rt.group ? '.' + rt.group : ''} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`, {
    name,
    ...(rt.group ? { group: rt.group } : {}),
    kind: rt.kind,
    causes,
  });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);

export const internalError = (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);

export const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (type: string) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${type})`);

export const gone = (message: string) => new ApiError(410, 'Expired', message);
