import { createHash } from 'node:crypto';
import type { RequestMeta } from '@d06/contracts';
import type { IdGenerator } from './clock';

/**
 * The id of an aggregate a request creates. With a `requestId` (the client sent an
 * Idempotency-Key) it is derived from it, so every attempt of one request names the same stream
 * and the store's "no stream yet" check lets only one of them create it; without one it is fresh.
 * Formatted as an RFC 9562 version 8 (name-based, custom hash) UUID.
 */
export function aggregateIdFor(meta: RequestMeta, ids: IdGenerator, kind: string): string {
  if (!meta.requestId) return ids.next();
  return uuidOf(`${kind}\n${meta.requestId}`);
}

/**
 * Ids for the events a request appends (the n-th, 0-based), derived from its `requestId`;
 * undefined without one. A retry whose first attempt was stored after the gateway had given up
 * (503) finds its own events by these ids (handleCommand's `eventIdOf`) and gets the answer the
 * first attempt would have had, instead of a refusal such as 409 ALREADY_DECIDED.
 */
export function requestEventIds(meta: RequestMeta, kind: string): ((index: number) => string) | undefined {
  const requestId = meta.requestId;
  if (!requestId) return undefined;
  return (index) => uuidOf(`${kind}-event-${index}\n${requestId}`);
}

function uuidOf(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The requestId the gateway sends for a client's Idempotency-Key. */
export function requestIdOf(clientId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${clientId}\n${idempotencyKey}`).digest('hex');
}
