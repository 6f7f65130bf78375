import type { DomainError, FieldError, RpcReply } from '@d06/contracts';

export function reply<T>(status: number, body: T): RpcReply<T> {
  return { ok: true, status, body };
}

/** A refusal of the domain (or of a lookup) as it travels back to the gateway. */
export function refusal(error: DomainError): RpcReply<never> {
  return { ok: false, error: error.errors ? { code: error.code, message: error.message, errors: error.errors } : { code: error.code, message: error.message } };
}

export function invalidPayload(errors: FieldError[]): RpcReply<never> {
  return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'the request breaks its format', errors } };
}

export function notFound(what: string): RpcReply<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message: `${what} not found` } };
}
