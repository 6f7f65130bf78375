import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ProblemException, problem } from '../common/problem';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** CONTRACT.md §2: 1-255 visible ASCII characters. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, undefined when absent; a malformed one is a 400. */
export function readIdempotencyKey(req: Request): string | undefined {
  const raw = req.headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !VALID_KEY.test(raw)) {
    throw new ProblemException(
      problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', [
        { field: 'Idempotency-Key', message: 'Must be 1 to 255 visible ASCII characters (0x21-0x7E), sent once.' },
      ]),
    );
  }
  return raw;
}

/**
 * JSON with object keys sorted at every level (RFC 8785 ordering for the shapes a body can
 * have), so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of method, path and canonical body: what "the same request" means for a key. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body ?? {})}`).digest('hex');
}
