import type { RequestMeta } from './envelope';

/**
 * What the gateway sends a service over Kafka request/reply: a plain object with a string
 * `type`, validated by the service (DESIGN.md: classes stay in-process).
 */
export interface RpcRequest<TPayload = unknown> {
  type: string;
  payload: TPayload;
  meta: RequestMeta;
}

/** Error codes a service may answer with; the gateway maps each to one HTTP status. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ALREADY_DECIDED: 409,
  ALREADY_DECEASED: 409,
  ALREADY_DEPARTED: 409,
  CONCURRENT_CHANGE: 409,
  BUSINESS_RULE: 422,
  APPLICANT_NOT_FOUND: 422,
  APPLICANT_DECEASED: 422,
  UNKNOWN_ESTABLISHMENT: 422,
  UNKNOWN_RPC_TYPE: 400,
  SERVICE_UNAVAILABLE: 503,
  TEMPORARY_TERM_INVALID: 422,
  NO_TEMPORARY_RESIDENCE: 422,
  EXTENSION_WINDOW_CLOSED: 422,
  NO_RESIDENCE_TO_DEREGISTER: 422,
  ARRIVAL_IN_FUTURE: 400,
  DEPARTURE_BEFORE_ARRIVAL: 422,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS | (string & {});

export interface FieldError {
  field: string;
  message: string;
}

export interface RpcError {
  code: ErrorCode;
  message: string;
  /** HTTP status to use; when absent the gateway looks the code up in ERROR_STATUS (else 422). */
  status?: number;
  errors?: FieldError[];
}

export type RpcReply<TBody = unknown> =
  | { ok: true; status: number; body: TBody }
  | { ok: false; error: RpcError };

export function statusOfError(error: RpcError): number {
  if (error.status) return error.status;
  const known = (ERROR_STATUS as Record<string, number>)[error.code];
  return known ?? 422;
}

export const RPC_HEALTH = 'Health';
export interface HealthReply {
  service: string;
  status: 'up' | 'down';
  database: 'up' | 'down';
}
