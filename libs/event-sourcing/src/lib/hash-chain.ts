import { hash } from 'node:crypto';
import { GENESIS_HASH, type EventEnvelope } from '@d06/contracts';
import { normalizeActor } from './recorded-event';

/** The envelope minus its own hash: exactly what CONTRACT.md §3 hashes. */
export type HashInput = Omit<EventEnvelope, 'hash'>;

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value, byte for byte what the `canonicalize` package
 * writes (a property test holds the two together), written for the sealer's hot loop: no
 * `reduce` and no string templates per key, which made `canonicalize` a third of the sealer's
 * CPU. Keys sort by UTF-16 code units (Array.prototype.sort's default), strings and numbers are
 * written by JSON.stringify, as RFC 8785 specifies for ECMAScript.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
    }
    return JSON.stringify(value);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (toJSON instanceof Function) return canonicalJson(toJSON.call(value));
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) out += ',';
      out += item === undefined || typeof item === 'symbol' ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return out + '}';
}

/**
 * CONTRACT.md §3: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 (JCS) canonical
 * JSON of the envelope without `hash`. Fields are picked one by one so that an extra property
 * on the object (a class instance, an upcaster's leftovers) can never slip into the hash; they
 * are written in JCS key order, so only the nested values need sorting.
 */
export function hashEnvelope(envelope: HashInput): string {
  const canonical =
    '{"actor":' +
    canonicalJson(normalizeActor(envelope.actor)) +
    member('causationId', envelope.causationId) +
    member('correlationId', envelope.correlationId) +
    member('data', envelope.data) +
    member('eventId', envelope.eventId) +
    member('occurredAt', envelope.occurredAt) +
    member('position', envelope.position) +
    member('prevHash', envelope.prevHash) +
    member('schemaVersion', envelope.schemaVersion) +
    member('service', envelope.service) +
    member('streamId', envelope.streamId) +
    member('streamVersion', envelope.streamVersion) +
    member('type', envelope.type) +
    '}';
  return hash('sha256', canonical, 'hex');
}

/** `,"key":value`, or nothing for an undefined value (JCS leaves such members out). */
function member(key: string, value: unknown): string {
  return value === undefined || typeof value === 'symbol' ? '' : ',"' + key + '":' + canonicalJson(value);
}

/** Assigns `hash` to an envelope whose position and prevHash are set. */
export function sealEnvelope(envelope: HashInput): EventEnvelope {
  return { ...envelope, hash: hashEnvelope(envelope) };
}

export type ChainBreak =
  | { kind: 'missing'; position: number; reason: string }
  | { kind: 'link'; position: number; reason: string }
  | { kind: 'hash'; position: number; reason: string };

/**
 * Walks envelopes of one service in position order and reports the first break: a missing
 * position (a DELETE, or a position rewritten), a `prevHash` that is not the previous `hash`
 * (a row replaced or re-chained), or a `hash` that does not match the content (any field
 * changed). Reusable on events read back from Kafka, where anyone can check the chain.
 */
export class ChainVerifier {
  private expectedPosition: number;
  private previousHash: string;
  private checked = 0;

  constructor(start: { position: number; hash: string } = { position: 0, hash: GENESIS_HASH }) {
    this.expectedPosition = start.position + 1;
    this.previousHash = start.hash;
  }

  get count(): number {
    return this.checked;
  }

  get head(): { position: number; hash: string } {
    return { position: this.expectedPosition - 1, hash: this.previousHash };
  }

  check(envelope: EventEnvelope): ChainBreak | null {
    const position = envelope.position;
    if (position !== this.expectedPosition) {
      return {
        kind: 'missing',
        position: this.expectedPosition,
        reason: `position ${this.expectedPosition} is missing (next stored position is ${position})`,
      };
    }
    if (envelope.prevHash !== this.previousHash) {
      return {
        kind: 'link',
        position,
        reason: `prevHash ${envelope.prevHash} does not match the hash of position ${position - 1} (${this.previousHash})`,
      };
    }
    const recomputed = hashEnvelope(envelope);
    if (recomputed !== envelope.hash) {
      return { kind: 'hash', position, reason: `stored hash ${envelope.hash} does not match the content (${recomputed})` };
    }
    this.checked += 1;
    this.expectedPosition = position + 1;
    this.previousHash = envelope.hash;
    return null;
  }
}
