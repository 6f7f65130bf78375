import { isServiceName, type EventEnvelope } from '@d06/contracts';
import { hashEnvelope } from './hash-chain';

export type ParseResult = { ok: true; envelope: EventEnvelope } | { ok: false; error: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH = /^[0-9a-f]{64}$/;

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Parses and checks a Kafka message value against the envelope of CONTRACT.md §3: what crosses
 * Kafka is validated at the consumer (DESIGN.md rule 3). With `checkHash` the content must also
 * match its hash, so a message altered on the way is refused like a malformed one; given as a
 * function, only the envelopes it picks are hashed (a consumer skips the types it ignores).
 */
export function parseEnvelope(raw: Buffer | string | null | undefined, options: { checkHash?: boolean | ((envelope: EventEnvelope) => boolean) } = {}): ParseResult {
  if (raw === null || raw === undefined) return { ok: false, error: 'empty message value' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `value is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'value is not a JSON object' };
  }
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof v['eventId'] !== 'string' || !UUID.test(v['eventId'])) problems.push('eventId must be a UUID');
  if (!isServiceName(v['service'])) problems.push('service must be identity, residence or lodging');
  if (!isText(v['type'])) problems.push('type must be a non-empty string');
  if (!isInt(v['schemaVersion'], 1)) problems.push('schemaVersion must be an integer >= 1');
  if (!isText(v['streamId'])) problems.push('streamId must be a non-empty string');
  if (!isInt(v['streamVersion'], 1)) problems.push('streamVersion must be an integer >= 1');
  if (!isInt(v['position'], 1)) problems.push('position must be an integer >= 1');
  if (typeof v['occurredAt'] !== 'string' || Number.isNaN(Date.parse(v['occurredAt']))) {
    problems.push('occurredAt must be an RFC 3339 time');
  }
  if (!isText(v['correlationId'])) problems.push('correlationId must be a non-empty string');
  if (!(v['causationId'] === null || typeof v['causationId'] === 'string')) problems.push('causationId must be a string or null');
  const actor = v['actor'];
  if (typeof actor !== 'object' || actor === null || Array.isArray(actor)) problems.push('actor must be an object');
  else {
    const a = actor as Record<string, unknown>;
    if (!isText(a['clientId'])) problems.push('actor.clientId must be a non-empty string');
    if (a['subject'] !== undefined && typeof a['subject'] !== 'string') problems.push('actor.subject must be a string');
  }
  if (!('data' in v)) problems.push('data is missing');
  if (typeof v['prevHash'] !== 'string' || !HASH.test(v['prevHash'])) problems.push('prevHash must be 64 hex digits');
  if (typeof v['hash'] !== 'string' || !HASH.test(v['hash'])) problems.push('hash must be 64 hex digits');
  if (problems.length > 0) return { ok: false, error: `not an event envelope: ${problems.join('; ')}` };
  const envelope = value as EventEnvelope;
  const checkHash = typeof options.checkHash === 'function' ? options.checkHash(envelope) : options.checkHash;
  if (checkHash && hashEnvelope(envelope) !== envelope.hash) {
    return { ok: false, error: `hash does not match the content of event ${envelope.eventId}` };
  }
  return { ok: true, envelope };
}
