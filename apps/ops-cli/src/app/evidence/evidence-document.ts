import canonicalize from 'canonicalize';
import type { EventEnvelope, ServiceName } from '@d06/contracts';

/**
 * The signed evidence export (the X-Road idea): a range of one service's log with its hash
 * chain, checkable offline by anyone holding the public key.
 *
 * The file is the exact output of `JSON.stringify(document, null, 2)` plus a newline, and the
 * checker demands exactly those bytes back, so no byte of it can change unnoticed: a byte inside
 * a value changes a hash or the signed statement, a byte of the layout breaks the exact form.
 *
 * What is signed (Ed25519, detached in `<file>.sig`): the RFC 8785 (JCS) canonical JSON of the
 * document without its `events`, the "statement". It names the service, the range, the anchor
 * (the `prevHash` of the first event) and the head (the last event's hash); the events are bound
 * to that head by the chain, each hash covering its `prevHash`.
 */
export const EVIDENCE_FORMAT = 'd06-evidence-export/1';
export const SIGNATURE_FORMAT = 'd06-evidence-signature/1';
export const HASHING = 'sha256(RFC 8785 JCS of the envelope without hash), prevHash = hash of position - 1 (CONTRACT.md §3)';

export interface ChainPoint {
  position: number;
  hash: string;
}

export interface EvidenceStatement {
  format: typeof EVIDENCE_FORMAT;
  service: ServiceName;
  /** Where the export was made from (database name), for the reader. */
  source: string;
  exportedAt: string;
  from: number;
  to: number;
  count: number;
  hashing: string;
  /** Position `from - 1` and the hash the first event's `prevHash` must equal (64 zeros at 1). */
  anchor: ChainPoint;
  /** Position `to` and its hash: what the signature vouches for. */
  head: ChainPoint;
  signature: { algorithm: 'Ed25519'; keyId: string };
}

export interface EvidenceDocument extends EvidenceStatement {
  events: EventEnvelope[];
}

export interface DetachedSignature {
  format: typeof SIGNATURE_FORMAT;
  algorithm: 'Ed25519';
  keyId: string;
  /** Base64 of the Ed25519 signature over the statement's canonical bytes. */
  signature: string;
}

export const STATEMENT_KEYS: readonly (keyof EvidenceStatement)[] = [
  'format',
  'service',
  'source',
  'exportedAt',
  'from',
  'to',
  'count',
  'hashing',
  'anchor',
  'head',
  'signature',
];

export const ENVELOPE_KEYS: readonly (keyof EventEnvelope)[] = [
  'eventId',
  'service',
  'type',
  'schemaVersion',
  'streamId',
  'streamVersion',
  'position',
  'occurredAt',
  'correlationId',
  'causationId',
  'actor',
  'data',
  'prevHash',
  'hash',
];

/** The envelope with its keys in CONTRACT.md order and nothing else (what the relay publishes). */
export function exportedEnvelope(e: EventEnvelope): EventEnvelope {
  return {
    eventId: e.eventId,
    service: e.service,
    type: e.type,
    schemaVersion: e.schemaVersion,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    position: e.position,
    occurredAt: e.occurredAt,
    correlationId: e.correlationId,
    causationId: e.causationId,
    actor: e.actor.subject === undefined ? { clientId: e.actor.clientId } : { clientId: e.actor.clientId, subject: e.actor.subject },
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** The statement's fields alone, in the documented order (extra properties never slip in). */
export function pickStatement(statement: EvidenceStatement): EvidenceStatement {
  const picked: Record<string, unknown> = {};
  for (const key of STATEMENT_KEYS) picked[key] = statement[key];
  return picked as unknown as EvidenceStatement;
}

/** The bytes that are signed. */
export function statementBytes(statement: EvidenceStatement): Buffer {
  const canonical = canonicalize(pickStatement(statement));
  if (canonical === undefined) throw new Error('the statement cannot be canonicalized');
  return Buffer.from(canonical, 'utf8');
}

/** The one accepted serialization of a document. */
export function serializeEvidence(document: EvidenceDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The same bytes as serializeEvidence, produced piece by piece so that an export of millions of
 * events never sits in memory as one string: the statement first, then one event at a time.
 * (Nested levels of JSON.stringify's output are the inner value's own output, indented.)
 */
export class EvidenceWriter {
  private first = true;

  constructor(private readonly write: (chunk: string) => Promise<void>) {}

  async begin(statement: EvidenceStatement): Promise<void> {
    const head = JSON.stringify(pickStatement(statement), null, 2);
    // `{ ...statement }` ends with "\n}"; events follow as the last key.
    await this.write(`${head.slice(0, -2)},\n  "events": [`);
  }

  async event(envelope: EventEnvelope): Promise<void> {
    const body = JSON.stringify(exportedEnvelope(envelope), null, 2).replace(/\n/g, '\n    ');
    await this.write(`${this.first ? '\n' : ',\n'}    ${body}`);
    this.first = false;
  }

  async end(): Promise<void> {
    await this.write(this.first ? ']\n}\n' : '\n  ]\n}\n');
  }
}
