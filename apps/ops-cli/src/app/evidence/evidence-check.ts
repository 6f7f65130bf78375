import { createHash, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH, isServiceName } from '@d06/contracts';
import {
  ENVELOPE_KEYS,
  EVIDENCE_FORMAT,
  SIGNATURE_FORMAT,
  STATEMENT_KEYS,
  statementBytes,
  type EvidenceStatement,
} from './evidence-document';
import { messageOf } from '../ops-errors';
import { keyIdOf, verifyStatement } from './signing-key';

export type EvidenceCheck =
  | { ok: true; statement: EvidenceStatement; events: number }
  | { ok: false; problem: string; position?: number };

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function fail(problem: string, position?: number): EvidenceCheck {
  return position === undefined ? { ok: false, problem } : { ok: false, problem, position };
}

function sameKeys(value: Json, keys: readonly string[]): string | null {
  const actual = Object.keys(value);
  const extra = actual.filter((k) => !keys.includes(k));
  const missing = keys.filter((k) => !actual.includes(k));
  if (extra.length === 0 && missing.length === 0) return null;
  return [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `unexpected ${extra.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/**
 * Parses a file that must be the exact `JSON.stringify(value, null, 2)` + newline of its own
 * content: anything else (a changed space, a re-indented line, a byte that is not UTF-8) means
 * the file was edited after it was written.
 */
function parseExact(bytes: Buffer, what: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: `${what} is not UTF-8 text` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `${what} is not valid JSON (${messageOf(err)})` };
  }
  const expected = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  if (!expected.equals(bytes)) {
    let at = 0;
    while (at < bytes.length && at < expected.length && bytes[at] === expected[at]) at++;
    return { ok: false, problem: `${what} is not in its exact written form (first difference at byte ${at}): it was edited` };
  }
  return { ok: true, value };
}

/** CONTRACT.md §3, restated without the library: SHA-256 over the JCS form of the envelope without `hash`. */
export function contractHash(envelope: Json): string {
  const rest: Json = {};
  for (const key of ENVELOPE_KEYS) if (key !== 'hash') rest[key] = envelope[key];
  const canonical = canonicalize(rest);
  if (canonical === undefined) throw new Error('envelope cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function checkStatement(doc: Json): string | null {
  const keys = sameKeys(doc, [...STATEMENT_KEYS, 'events']);
  if (keys) return `not an evidence export: ${keys}`;
  if (doc['format'] !== EVIDENCE_FORMAT) return `unknown format ${JSON.stringify(doc['format'])} (expected ${EVIDENCE_FORMAT})`;
  if (!isServiceName(doc['service'])) return 'service must be identity, residence or lodging';
  if (typeof doc['source'] !== 'string' || typeof doc['exportedAt'] !== 'string' || typeof doc['hashing'] !== 'string') {
    return 'source, exportedAt and hashing must be strings';
  }
  const { from, to, count, anchor, head, signature, events } = doc;
  if (!isInt(from, 1) || !isInt(to, 1) || !isInt(count, 1) || to < from || count !== to - from + 1) {
    return 'from, to and count do not describe a range of positions';
  }
  if (!isObject(anchor) || sameKeys(anchor, ['position', 'hash']) || anchor['position'] !== from - 1 || typeof anchor['hash'] !== 'string' || !HEX64.test(anchor['hash'])) {
    return `anchor must be {position: ${from - 1}, hash}`;
  }
  if (from === 1 && anchor['hash'] !== GENESIS_HASH) return 'the chain of position 1 must start from 64 zeros';
  if (!isObject(head) || sameKeys(head, ['position', 'hash']) || head['position'] !== to || typeof head['hash'] !== 'string' || !HEX64.test(head['hash'])) {
    return `head must be {position: ${to}, hash}`;
  }
  if (!isObject(signature) || sameKeys(signature, ['algorithm', 'keyId']) || signature['algorithm'] !== 'Ed25519' || typeof signature['keyId'] !== 'string') {
    return 'signature must be {algorithm: "Ed25519", keyId}';
  }
  if (!Array.isArray(events) || events.length !== count) return `events must hold ${count} event(s)`;
  return null;
}

function checkEnvelopeShape(e: unknown, service: string): string | null {
  if (!isObject(e)) return 'not an object';
  const keys = sameKeys(e, ENVELOPE_KEYS);
  if (keys) return `envelope fields: ${keys}`;
  if (e['service'] !== service) return `belongs to service ${JSON.stringify(e['service'])}, not ${service}`;
  const actor = e['actor'];
  if (!isObject(actor) || typeof actor['clientId'] !== 'string' || Object.keys(actor).some((k) => k !== 'clientId' && k !== 'subject')) {
    return 'actor must be {clientId, subject?}';
  }
  if ('subject' in actor && typeof actor['subject'] !== 'string') return 'actor.subject must be a string';
  if (typeof e['hash'] !== 'string' || typeof e['prevHash'] !== 'string') return 'hash and prevHash must be strings';
  return null;
}

/**
 * Verifies an evidence export offline: the exact form of the file, every event's hash
 * recomputed from its content, every `prevHash` linking to the event before (the first to the
 * anchor), the head, and the Ed25519 signature over the statement with the given public key.
 * Reports the first problem, naming the position where there is one.
 */
export function checkEvidence(file: Buffer, signatureFile: Buffer, publicKey: KeyObject): EvidenceCheck {
  const parsed = parseExact(file, 'the export');
  if (!parsed.ok) return fail(parsed.problem);
  const doc = parsed.value;
  if (!isObject(doc)) return fail('not an evidence export: not a JSON object');
  const shape = checkStatement(doc);
  if (shape) return fail(shape);
  const statement = doc as unknown as EvidenceStatement;
  const events = doc['events'] as unknown[];

  let previous = statement.anchor.hash;
  for (let i = 0; i < events.length; i++) {
    const position = statement.from + i;
    const e = events[i];
    const bad = checkEnvelopeShape(e, statement.service);
    if (bad) return fail(`event #${i + 1} (position ${position}): ${bad}`, position);
    const envelope = e as Json;
    if (envelope['position'] !== position) {
      return fail(`event #${i + 1} has position ${JSON.stringify(envelope['position'])} where ${position} belongs`, position);
    }
    if (envelope['prevHash'] !== previous) {
      return fail(`position ${position}: prevHash ${String(envelope['prevHash'])} does not link to the hash of position ${position - 1} (${previous})`, position);
    }
    const recomputed = contractHash(envelope);
    if (recomputed !== envelope['hash']) {
      return fail(`position ${position}: hash ${String(envelope['hash'])} does not match its content (${recomputed})`, position);
    }
    previous = recomputed;
  }
  if (previous !== statement.head.hash) return fail(`the head hash ${statement.head.hash} is not the hash of position ${statement.to} (${previous})`, statement.to);

  const sig = parseExact(signatureFile, 'the signature file');
  if (!sig.ok) return fail(sig.problem);
  const detached = sig.value;
  if (!isObject(detached) || sameKeys(detached, ['format', 'algorithm', 'keyId', 'signature']) || detached['format'] !== SIGNATURE_FORMAT) {
    return fail(`the signature file is not a ${SIGNATURE_FORMAT} file`);
  }
  if (detached['algorithm'] !== 'Ed25519' || detached['keyId'] !== statement.signature.keyId) {
    return fail(`the signature file is for key ${String(detached['keyId'])}, the export names key ${statement.signature.keyId}`);
  }
  const given = keyIdOf(publicKey);
  if (given !== statement.signature.keyId) {
    return fail(`the export was signed with key ${statement.signature.keyId}; the public key given is ${given}`);
  }
  const signature = detached['signature'];
  // Base64 decoding ignores stray characters and padding bits: only the one exact encoding counts.
  if (typeof signature !== 'string' || !BASE64.test(signature) || Buffer.from(signature, 'base64').toString('base64') !== signature) {
    return fail('the signature is not in canonical base64');
  }
  if (!verifyStatement(publicKey, statementBytes(statement), signature)) {
    return fail(`the signature does not match the statement (service, range, anchor, head ${statement.head.hash}): the export or its signature was altered`);
  }
  return { ok: true, statement, events: events.length };
}
