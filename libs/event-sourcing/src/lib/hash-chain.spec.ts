import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { GENESIS_HASH, type EventEnvelope } from '@d06/contracts';
import canonicalize from 'canonicalize';
import { ChainVerifier, canonicalJson, hashEnvelope, sealEnvelope, type HashInput } from './hash-chain';

const base: HashInput = {
  eventId: '0b7a3c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f',
  service: 'identity',
  type: 'CitizenRegistered',
  schemaVersion: 1,
  streamId: 'citizen-001090000001',
  streamVersion: 1,
  position: 1,
  occurredAt: '2025-07-01T01:02:03.004Z',
  correlationId: 'corr-1',
  causationId: null,
  actor: { clientId: 'officer' },
  data: { fullName: 'Nguyễn Văn A', b: 1, a: [1, 'x', { z: true, y: null }] },
  prevHash: GENESIS_HASH,
};

function chain(length: number): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prevHash = GENESIS_HASH;
  for (let position = 1; position <= length; position++) {
    const e = sealEnvelope({ ...base, eventId: `0b7a3c1e-2f3a-4c5d-8e9f-${String(position).padStart(12, '0')}`, position, prevHash });
    out.push(e);
    prevHash = e.hash;
  }
  return out;
}

describe('hashEnvelope (CONTRACT.md §3)', () => {
  it('is the SHA-256 of the RFC 8785 canonical JSON, keys sorted, no whitespace', () => {
    const canonical =
      '{"actor":{"clientId":"officer"},"causationId":null,"correlationId":"corr-1",' +
      '"data":{"a":[1,"x",{"y":null,"z":true}],"b":1,"fullName":"Nguyễn Văn A"},' +
      '"eventId":"0b7a3c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f","occurredAt":"2025-07-01T01:02:03.004Z",' +
      `"position":1,"prevHash":"${GENESIS_HASH}","schemaVersion":1,"service":"identity",` +
      '"streamId":"citizen-001090000001","streamVersion":1,"type":"CitizenRegistered"}';
    expect(hashEnvelope(base)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('ignores properties outside the envelope and an undefined actor.subject', () => {
    const noisy = { ...base, hash: 'x', extra: 1, actor: { clientId: 'officer', subject: undefined } } as HashInput;
    expect(hashEnvelope(noisy)).toBe(hashEnvelope(base));
  });

  it('does not depend on key order anywhere in data (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const reversed = Object.fromEntries(Object.entries(data).reverse());
        expect(hashEnvelope({ ...base, data: reversed })).toBe(hashEnvelope({ ...base, data }));
      }),
    );
  });

  it('changes when any hashed field changes (property)', () => {
    const mutations: ((e: HashInput) => HashInput)[] = [
      (e) => ({ ...e, eventId: '1b7a3c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f' }),
      (e) => ({ ...e, service: 'lodging' }),
      (e) => ({ ...e, type: 'CitizenDied' }),
      (e) => ({ ...e, schemaVersion: 2 }),
      (e) => ({ ...e, streamId: 'other' }),
      (e) => ({ ...e, streamVersion: 2 }),
      (e) => ({ ...e, position: 2 }),
      (e) => ({ ...e, occurredAt: '2025-07-01T01:02:03.005Z' }),
      (e) => ({ ...e, correlationId: 'corr-2' }),
      (e) => ({ ...e, causationId: 'cause' }),
      (e) => ({ ...e, actor: { clientId: 'officer', subject: 'u1' } }),
      (e) => ({ ...e, data: { ...(e.data as object), b: 2 } }),
      (e) => ({ ...e, prevHash: '1'.repeat(64) }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...mutations), (mutate) => {
        expect(hashEnvelope(mutate(base))).not.toBe(hashEnvelope(base));
      }),
    );
  });
});

describe('canonicalJson', () => {
  it('given any JSON value, when written, then it is byte for byte what the canonicalize package writes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('given keys that sort differently by code unit and by locale, when written, then code-unit order wins', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, é: 4, 'a\u0000': 5, '😀': 6, '\uff61': 7 })).toBe(
      canonicalize({ b: 1, a: 2, B: 3, é: 4, 'a\u0000': 5, '😀': 6, '\uff61': 7 }),
    );
  });

  it('given NaN or an infinity, when written, then it refuses as canonicalize does', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow('Infinity is not allowed');
  });
});

describe('hashEnvelope against the generic canonicalizer', () => {
  const reference = (e: HashInput) =>
    createHash('sha256')
      .update(
        canonicalize({
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
          actor: e.actor.subject === undefined || e.actor.subject === null ? { clientId: e.actor.clientId } : e.actor,
          data: e.data,
          prevHash: e.prevHash,
        }) ?? '',
        'utf8',
      )
      .digest('hex');

  it('given any envelope, when hashed, then the hash is that of canonicalize over the same fields (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          data: fc.jsonValue(),
          causationId: fc.option(fc.string(), { nil: null }),
          correlationId: fc.string(),
          subject: fc.option(fc.string(), { nil: undefined }),
          position: fc.integer({ min: 1, max: 2 ** 40 }),
          streamId: fc.string(),
        }),
        (r) => {
          const envelope: HashInput = {
            ...base,
            data: r.data,
            causationId: r.causationId,
            correlationId: r.correlationId,
            actor: r.subject === undefined ? { clientId: 'c' } : { clientId: 'c', subject: r.subject },
            position: r.position,
            streamId: r.streamId,
          };
          expect(hashEnvelope(envelope)).toBe(reference(envelope));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports its head', () => {
    const events = chain(20);
    const verifier = new ChainVerifier();
    for (const e of events) expect(verifier.check(e)).toBeNull();
    expect(verifier.count).toBe(20);
    expect(verifier.head).toEqual({ position: 20, hash: events[19].hash });
  });

  it('names the position whose content changed', () => {
    const events = chain(10);
    events[6] = { ...events[6], data: { tampered: true } };
    const verifier = new ChainVerifier();
    const broken = events.map((e) => verifier.check(e)).find((b) => b !== null);
    expect(broken).toMatchObject({ kind: 'hash', position: 7 });
  });

  it('names a missing position (deleted row)', () => {
    const events = chain(10).filter((e) => e.position !== 4);
    const verifier = new ChainVerifier();
    const broken = events.map((e) => verifier.check(e)).find((b) => b !== null);
    expect(broken).toMatchObject({ kind: 'missing', position: 4 });
  });

  it('names a re-hashed row by the broken link that follows it', () => {
    const events = chain(10);
    events[2] = sealEnvelope({ ...events[2], data: { rewritten: true } });
    const verifier = new ChainVerifier();
    const broken = events.map((e) => verifier.check(e)).find((b) => b !== null);
    expect(broken).toMatchObject({ kind: 'link', position: 4 });
  });
});
