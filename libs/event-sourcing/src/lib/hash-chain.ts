import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, type EventEnvelope } from '@d06/contracts';
import { normalizeActor } from './recorded-event';

/** The envelope minus its own hash: exactly what CONTRACT.md §3 hashes. */
export type HashInput = Omit<EventEnvelope, 'hash'>;

/**
 * CONTRACT.md §3: lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 (JCS) canonical
 * JSON of the envelope without `hash`. Fields are picked one by one so that an extra property
 * on the object (a class instance, an upcaster's leftovers) can never slip into the hash.
 */
export function hashEnvelope(envelope: HashInput): string {
  const canonical = canonicalize({
    eventId: envelope.eventId,
    service: envelope.service,
    type: envelope.type,
    schemaVersion: envelope.schemaVersion,
    streamId: envelope.streamId,
    streamVersion: envelope.streamVersion,
    position: envelope.position,
    occurredAt: envelope.occurredAt,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    actor: normalizeActor(envelope.actor),
    data: envelope.data,
    prevHash: envelope.prevHash,
  });
  if (canonical === undefined) throw new Error('envelope cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
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
