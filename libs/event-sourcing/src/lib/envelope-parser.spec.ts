import { GENESIS_HASH } from '@d06/contracts';
import { parseEnvelope } from './envelope-parser';
import { sealEnvelope } from './hash-chain';

const envelope = sealEnvelope({
  eventId: '0b7a3c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f',
  service: 'residence',
  type: 'DossierSubmitted',
  schemaVersion: 1,
  streamId: 'dossier-1',
  streamVersion: 1,
  position: 1,
  occurredAt: '2025-07-01T01:02:03.004Z',
  correlationId: 'corr-1',
  causationId: null,
  actor: { clientId: 'portal' },
  data: { applicantId: '001090000001' },
  prevHash: GENESIS_HASH,
});

describe('parseEnvelope', () => {
  it('accepts a well-formed envelope whose hash matches', () => {
    expect(parseEnvelope(Buffer.from(JSON.stringify(envelope)), { checkHash: true })).toEqual({ ok: true, envelope });
  });

  it('given checkHash as a function, when the content was altered, then only the envelopes it picks are refused', () => {
    const altered = JSON.stringify({ ...envelope, data: { applicantId: '001090000002' } });
    expect(parseEnvelope(altered, { checkHash: (e) => e.type !== envelope.type })).toMatchObject({ ok: true });
    expect(parseEnvelope(altered, { checkHash: (e) => e.type === envelope.type })).toEqual({ ok: false, error: `hash does not match the content of event ${envelope.eventId}` });
  });

  it.each([
    ['not JSON', 'not json {'],
    ['a JSON array', '[]'],
    ['a JSON string', '"x"'],
  ])('refuses %s', (_what, raw) => {
    expect(parseEnvelope(raw)).toMatchObject({ ok: false });
  });

  it('refuses an empty value', () => {
    expect(parseEnvelope(null)).toEqual({ ok: false, error: 'empty message value' });
  });

  it('lists every shape problem', () => {
    const bad = { ...envelope, eventId: 'x', service: 'tax', position: 0, actor: {}, hash: 'short' };
    const result = parseEnvelope(JSON.stringify(bad));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      for (const field of ['eventId', 'service', 'position', 'actor.clientId', 'hash']) expect(result.error).toContain(field);
    }
  });

  it('refuses content that does not match its hash when asked to check it', () => {
    const altered = JSON.stringify({ ...envelope, data: { applicantId: '001090000002' } });
    expect(parseEnvelope(altered)).toMatchObject({ ok: true });
    expect(parseEnvelope(altered, { checkHash: true })).toMatchObject({ ok: false, error: expect.stringContaining('hash') });
  });
});
