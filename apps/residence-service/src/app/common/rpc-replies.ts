import type { DomainError, FieldError, RpcReply } from '@d06/contracts';

/** A successful answer; the gateway sends `body` with `status`. */
export function answer<T>(status: number, body: T): RpcReply<T> {
  return { ok: true, status, body };
}

/** A refusal from the decider or a lookup; the gateway maps `code` to the HTTP status. */
export function refusal(error: DomainError): RpcReply<never> {
  return { ok: false, error: error.errors ? { code: error.code, message: error.message, errors: error.errors } : { code: error.code, message: error.message } };
}

/** A payload that breaks its format (400, with every field at fault). */
export function validationFailed(errors: FieldError[]): RpcReply<never> {
  return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'the request is not valid', errors } };
}

export function notFound(message: string): RpcReply<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message } };
}
