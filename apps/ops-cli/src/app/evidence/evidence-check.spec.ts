import { generateKeyPairSync } from 'node:crypto';
import { GENESIS_HASH, type EventEnvelope } from '@d06/contracts';
import { hashEnvelope, sealEnvelope } from '@d06/event-sourcing';
import { checkEvidence, contractHash } from './evidence-check';
import {
  EVIDENCE_FORMAT,
  EvidenceWriter,
  HASHING,
  SIGNATURE_FORMAT,
  serializeEvidence,
  statementBytes,
  type EvidenceDocument,
  type EvidenceStatement,
} from './evidence-document';
import { keyIdOf, signStatement, type SigningKey } from './signing-key';

function chain(from: number, count: number, anchor: string): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  let prevHash = anchor;
  for (let i = 0; i < count; i++) {
    const position = from + i;
    const envelope = sealEnvelope({
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      service: 'residence',
      type: i % 2 === 0 ? 'DossierReceived' : 'DossierApproved',
      schemaVersion: 1,
      streamId: `dossier-${i % 3}`,
      streamVersion: Math.floor(i / 3) + 1,
      position,
      occurredAt: `2026-03-0${1 + (i % 9)}T02:00:00.000Z`,
      correlationId: `corr-${i}`,
      causationId: i === 0 ? null : `cause-${i}`,
      actor: i % 2 === 0 ? { clientId: 'portal' } : { clientId: 'officer', subject: 'cb-7' },
      data: { n: i, note: 'Đăng ký thường trú "số 5"\n', nested: { list: [1, 2.5, null, true], empty: {} } },
      prevHash,
    });
    events.push(envelope);
    prevHash = envelope.hash;
  }
  return events;
}

function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: 'test', generated: true };
}

function evidence(key: SigningKey, from = 11, count = 5): { file: Buffer; signature: Buffer; document: EvidenceDocument } {
  const events = chain(from, count, 'a'.repeat(64));
  const statement: EvidenceStatement = {
    format: EVIDENCE_FORMAT,
    service: 'residence',
    source: 'd06_residence',
    exportedAt: '2026-03-10T01:02:03.456Z',
    from,
    to: from + count - 1,
    count,
    hashing: HASHING,
    anchor: { position: from - 1, hash: 'a'.repeat(64) },
    head: { position: from + count - 1, hash: events[events.length - 1].hash },
    signature: { algorithm: 'Ed25519', keyId: key.keyId },
  };
  const document: EvidenceDocument = { ...statement, events };
  const signature = { format: SIGNATURE_FORMAT, algorithm: 'Ed25519', keyId: key.keyId, signature: signStatement(key, statementBytes(statement)) };
  return { file: Buffer.from(serializeEvidence(document)), signature: Buffer.from(`${JSON.stringify(signature, null, 2)}\n`), document };
}

describe('evidence export format and offline check', () => {
  const key = signingKey();
  const { file, signature, document } = evidence(key);

  it('given envelopes, then the checker hashes them exactly as the library does (CONTRACT.md §3, restated)', () => {
    for (const e of [...document.events, ...chain(1, 3, GENESIS_HASH)]) {
      expect(contractHash(e as unknown as Record<string, unknown>)).toBe(hashEnvelope(e));
      expect(contractHash(e as unknown as Record<string, unknown>)).toBe(e.hash);
    }
  });

  it('given events written one at a time, then the bytes are exactly the serialization the checker demands', async () => {
    let streamed = '';
    const writer = new EvidenceWriter(async (chunk) => {
      streamed += chunk;
    });
    const { events, ...statement } = document;
    await writer.begin(statement);
    for (const e of events) await writer.event(e);
    await writer.end();
    expect(streamed).toBe(file.toString('utf8'));
  });

  it('given an intact export, then it passes', () => {
    expect(checkEvidence(file, signature, key.publicKey)).toMatchObject({ ok: true, events: 5, statement: { from: 11, to: 15 } });
  });

  it('given the export with any one byte altered, whichever, then it fails', () => {
    const accepted: number[] = [];
    for (let offset = 0; offset < file.length; offset++) {
      for (const change of [(b: number) => (b + 1) % 256, (b: number) => b ^ 0x20]) {
        const altered = Buffer.from(file);
        altered[offset] = change(altered[offset]);
        if (checkEvidence(altered, signature, key.publicKey).ok) accepted.push(offset);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('given the detached signature with any one byte altered, then it fails', () => {
    const accepted: number[] = [];
    for (let offset = 0; offset < signature.length; offset++) {
      const altered = Buffer.from(signature);
      altered[offset] = (altered[offset] + 1) % 256;
      if (checkEvidence(file, altered, key.publicKey).ok) accepted.push(offset);
    }
    expect(accepted).toEqual([]);
  });

  it('given a broken link, a wrong key or a missing event, then the first problem is named', () => {
    const relinked = evidence(key);
    relinked.document.events[2] = sealEnvelope({ ...relinked.document.events[2], prevHash: 'b'.repeat(64) });
    expect(checkEvidence(Buffer.from(serializeEvidence(relinked.document)), relinked.signature, key.publicKey)).toEqual({
      ok: false,
      position: 13,
      problem: `position 13: prevHash ${'b'.repeat(64)} does not link to the hash of position 12 (${document.events[1].hash})`,
    });
    const other = signingKey();
    expect(checkEvidence(file, signature, other.publicKey)).toEqual({
      ok: false,
      problem: `the export was signed with key ${key.keyId}; the public key given is ${other.keyId}`,
    });
    const short = { ...document, events: document.events.slice(0, 4) };
    expect(checkEvidence(Buffer.from(serializeEvidence(short)), signature, key.publicKey)).toEqual({ ok: false, problem: 'events must hold 5 event(s)' });
  });
});
