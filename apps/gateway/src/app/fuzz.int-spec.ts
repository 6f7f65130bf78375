import fc from 'fast-check';
import { ManualClock } from '@d06/testing';
import { startFakeService, type FakeService } from '../testing/fake-service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { REGISTER_CITIZEN_EXAMPLE } from './identity/identity.dto';
import { DECIDE_DOSSIER_EXAMPLE, SUBMIT_DOSSIER_EXAMPLE } from './residence/residence.dto';
import { REGISTER_ESTABLISHMENT_EXAMPLE, SUBMIT_NOTICE_EXAMPLE } from './lodging/lodging.dto';

const RUNS = Number(process.env['D06_FUZZ_RUNS'] ?? 1000);
const PID = '001090012345';
const UUID = '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a';

type Kind = 'format' | { text: number } | 'object' | 'array';
interface Field {
  name: string;
  required: boolean;
  kind: Kind;
}
interface Route {
  path: string;
  valid: Record<string, unknown>;
  fields: Field[];
}

const f = (name: string, required: boolean, kind: Kind): Field => ({ name, required, kind });
const ROUTES: Route[] = [
  {
    path: 'citizens',
    valid: REGISTER_CITIZEN_EXAMPLE,
    fields: [f('personalId', true, 'format'), f('fullName', true, { text: 200 }), f('dateOfBirth', true, 'format'), f('gender', true, 'format'), f('permanentAddress', false, 'object')],
  },
  { path: `citizens/${PID}/death`, valid: { dateOfDeath: '2026-01-15' }, fields: [f('dateOfDeath', true, 'format')] },
  {
    path: 'identity/verify',
    valid: { personalId: PID, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE' },
    fields: [f('personalId', true, 'format'), f('fullName', false, { text: 200 }), f('dateOfBirth', false, 'format'), f('gender', false, 'format')],
  },
  {
    path: 'residence/dossiers',
    valid: SUBMIT_DOSSIER_EXAMPLE,
    fields: [
      f('procedure', true, 'format'),
      f('applicantId', true, 'format'),
      f('address', true, 'object'),
      f('startDate', false, 'format'),
      f('endDate', false, 'format'),
      f('reason', false, { text: 1000 }),
    ],
  },
  { path: `residence/dossiers/${UUID}/decision`, valid: DECIDE_DOSSIER_EXAMPLE, fields: [f('outcome', true, 'format'), f('reason', true, { text: 1000 })] },
  { path: 'lodging/establishments', valid: REGISTER_ESTABLISHMENT_EXAMPLE, fields: [f('name', true, { text: 200 }), f('kind', true, 'format'), f('address', true, 'object')] },
  {
    path: 'lodging/notices',
    valid: SUBMIT_NOTICE_EXAMPLE,
    fields: [f('establishmentId', true, 'format'), f('arrivalAt', true, 'format'), f('expectedDepartureAt', false, 'format'), f('room', false, { text: 50 }), f('guests', true, 'array')],
  },
  { path: `lodging/notices/${UUID}/departure`, valid: { departedAt: '2026-03-05T11:20:00+07:00' }, fields: [f('departedAt', true, 'format')] },
];

// ---- hostile values ------------------------------------------------------------------------
const SQL = ["' OR '1'='1", "'; DROP TABLE citizens; --", '1; SELECT pg_sleep(10)', '" OR ""="', "') UNION SELECT * FROM idempotency_keys --", '$1', '\\x00', '%27%20OR%201=1'];
const UNICODE = ['\u0000', '\uFFFF', '\uD800', '𝕏'.repeat(64), 'Nguyễn\u200BVăn', '\u202Eevil', 'ﷺ', 'A\u0301\u0302\u0303', '\u00a0\u3000'];
const KEYS = ['__proto__', 'constructor', 'prototype', "'; DROP TABLE x;--", '$where', '𝕏', 'a'.repeat(500), '', ' ', 'personalId ', 'PersonalId'];

function nest(depth: number, leaf: unknown, asArray: boolean): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { n: v };
  return v;
}

const smallJson = fc.jsonValue({ maxDepth: 3 });
// No infinities: JSON.stringify writes them as null, which is a valid value of an optional field.
const wrongType = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(smallJson, { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 4 }));
const deep = fc.tuple(fc.integer({ min: 17, max: 400 }), fc.boolean(), smallJson).map(([d, a, leaf]) => nest(d, leaf, a));
const hostileString = fc.oneof(
  fc.constantFrom(...SQL, ...UNICODE, ''),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `~${s}`),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `~${s}`),
  fc.integer({ min: 1, max: 300_000 }).map((n) => `~${'Ω'.repeat(n)}`),
);

/** A value that breaks `field` whatever else the body holds. */
function invalidFor(field: Field): fc.Arbitrary<unknown> {
  const nullIfRequired = field.required ? [fc.constant(null)] : [];
  const kind = field.kind;
  if (kind === 'format') return fc.oneof(hostileString, wrongType, deep, ...nullIfRequired);
  if (kind === 'object') {
    const badAddress = fc.record({ provinceCode: hostileString, wardCode: fc.oneof(hostileString, wrongType), detail: fc.oneof(wrongType, fc.constant(' ')) });
    return fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.array(smallJson, { maxLength: 3 }), badAddress, deep, ...nullIfRequired);
  }
  if (kind === 'array') {
    return fc.oneof(
      fc.constant([]),
      fc.constant(Array.from({ length: 201 }, () => ({ personalId: PID }))),
      fc.array(fc.oneof(hostileString, wrongType, deep, fc.record({ personalId: hostileString }), fc.record({ passportNumber: hostileString })), { minLength: 1, maxLength: 5 }),
      hostileString,
      wrongType.filter((v) => !Array.isArray(v)),
      ...nullIfRequired,
    );
  }
  const max = kind.text;
  return fc.oneof(
    fc.oneof(fc.integer(), fc.boolean(), fc.array(smallJson, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), smallJson, { maxKeys: 3 })),
    fc.integer({ min: max + 1, max: max + 300_000 }).map((n) => 'x'.repeat(n)),
    fc.constantFrom('', '   ', 'a\u0000b', 'tab\u0007bell'),
    deep,
    ...nullIfRequired,
  );
}

function withEntry(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key really is sent.
  return Object.fromEntries([...Object.entries(base), [key, value]]);
}

type Sent = { json: unknown } | { raw: string | Uint8Array; encoding?: string };

function hostileBody(route: Route): fc.Arbitrary<Sent> {
  const replaced = fc.constantFrom(...route.fields).chain((field) => invalidFor(field).map((value) => ({ json: withEntry(route.valid, field.name, value) })));
  const missing = fc.constantFrom(...route.fields.filter((x) => x.required)).map((field) => ({ json: Object.fromEntries(Object.entries(route.valid).filter(([k]) => k !== field.name)) }));
  const extraKey = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !(k in route.valid))), fc.oneof(smallJson, deep)).map(([k, v]) => ({
    json: withEntry(route.valid, k, v),
  }));
  const randomObject = fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(smallJson, deep), { maxKeys: 6 }).map((json) => ({ json }));
  const notAnObject = fc.oneof(smallJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), fc.array(fc.constant(route.valid), { minLength: 1, maxLength: 3 })).map((json) => ({ json }));
  const raw = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('{', '{"a":', '{"personalId": "001090012345",}', "{'a': 1}", '{"a": NaN}', '{"a": 1e999999}', 'null', 'true', '"x"'),
    fc.integer({ min: 10, max: 200_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 10, max: 100_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, ...bytes.map((b) => b | 0x80), 0x22, 0x7d])),
  ).map((r) => ({ raw: r }));
  // Bytes claiming a content encoding they do not have (corrupt gzip, brotli, deflate streams).
  const encoded = fc.tuple(fc.constantFrom('gzip', 'br', 'deflate', 'compress', 'identity'), fc.uint8Array({ minLength: 1, maxLength: 256 })).map(([encoding, raw]) => ({ raw, encoding }));
  return fc.oneof({ weight: 4, arbitrary: replaced }, { weight: 1, arbitrary: missing }, { weight: 2, arbitrary: extraKey }, { weight: 1, arbitrary: randomObject }, { weight: 1, arbitrary: notAnObject }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: encoded });
}

/**
 * Issue 4: for every POST route, 1,000 random malformed or hostile bodies never yield a 5xx and
 * never reach a service (stand-ins record every request) nor store anything (the gateway's only
 * table stays empty although every request carries an Idempotency-Key).
 */
describe('fuzz: hostile bodies on every POST route', () => {
  let gw: TestGateway;
  let services: FakeService[];
  let token: string;
  let n = 0;

  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_fuzz', clock: new ManualClock('2026-03-02T08:00:00Z'), env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000', GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000' } });
    services = await Promise.all((['identity', 'residence', 'lodging'] as const).map((s) => startFakeService(s, gw.prefix)));
    token = await gw.token('admin');
  }, 120_000);
  afterAll(async () => {
    await Promise.all((services ?? []).map((s) => s.stop()));
    await gw?.close();
  });

  const send = (path: string, sent: Sent) =>
    gw.request('POST', path, {
      token,
      body: 'json' in sent ? JSON.stringify(sent.json) : sent.raw,
      headers: { 'content-type': 'application/json', 'idempotency-key': `fuzz-${++n}`, ...('encoding' in sent && sent.encoding ? { 'content-encoding': sent.encoding } : {}) },
    });

  it.each(ROUTES.map((r) => [r.path, r] as const))(`POST /api/v1/%s: ${RUNS} hostile bodies -> 4xx problem, nothing reaches a service`, async (_path, route) => {
    // Only what this route's run let through (a leak in one route must not fail the others).
    const before = services.map((s) => s.received.length);
    await fc.assert(
      fc.asyncProperty(hostileBody(route), async (sent) => {
        const res = await send(route.path, sent);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: RUNS },
    );
    expect(services.flatMap((s, i) => s.received.slice(before[i]))).toEqual([]);
  }, 120_000);

  it(`POST /api/v1/auth/token: ${RUNS} hostile JSON and form bodies -> never 5xx, never a token`, async () => {
    const params = fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', '__proto__', 'x'), fc.oneof(hostileString, wrongType, deep), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (body, asForm) => {
        const form = asForm ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() : undefined;
        const res = await gw.request('POST', 'auth/token', {
          body: form ?? JSON.stringify(body),
          headers: { 'content-type': asForm ? 'application/x-www-form-urlencoded' : 'application/json' },
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('after all of it, the idempotency table is empty', async () => {
    expect(await gw.query('SELECT count(*)::int AS n FROM idempotency_keys')).toEqual([{ n: 0 }]);
  });
});
