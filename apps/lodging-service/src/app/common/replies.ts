import type { DomainError, FieldError, RpcReply } from '@d06/contracts';

/** A success: the status and body the gateway answers with. */
export function ok<T>(status: 200 | 201, body: T): RpcReply<T> {
  return { ok: true, status, body };
}

/** A refusal as a value (the gateway maps the code to a status). */
export function refused(error: DomainError): RpcReply<never> {
  return { ok: false, error: error.errors ? { code: error.code, message: error.message, errors: error.errors } : { code: error.code, message: error.message } };
}

export function invalid(errors: FieldError[], message = 'the request is invalid'): RpcReply<never> {
  return { ok: false, error: { code: 'VALIDATION_FAILED', message, errors } };
}

export function notFound(message: string): RpcReply<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message } };
}
