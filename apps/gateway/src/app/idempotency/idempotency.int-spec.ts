import { RPC, type RpcReply } from '@d06/contracts';
import { ManualClock, sleep } from '@d06/testing';
import { startFakeService, type FakeService } from '../../testing/fake-service';
import { startTestGateway, type TestGateway } from '../../testing/test-gateway';
import { REGISTER_CITIZEN_EXAMPLE } from '../identity/identity.dto';
import { REGISTER_ESTABLISHMENT_EXAMPLE } from '../lodging/lodging.dto';
import { IdempotencyService } from './idempotency.service';

let serial = 0;
const newKey = () => `key-${Date.now()}-${++serial}`;

/**
 * Idempotency-Key of CONTRACT.md §2, through HTTP, with a stand-in service counting what reaches
 * it: one execution per client + key + body.
 */
describe('Idempotency-Key', () => {
  let gw: TestGateway;
  let identity: FakeService;
  let lodging: FakeService;
  let officer: string;
  let portal: string;
  const clock = new ManualClock('2026-03-02T08:00:00Z');
  let created = 0;

  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_idem', clock, env: { GATEWAY_RPC_TIMEOUT_MS: '1500' } });
    identity = await startFakeService('identity', gw.prefix);
    lodging = await startFakeService('lodging', gw.prefix);
    officer = await gw.token('officer');
    portal = await gw.token('portal');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([identity?.stop(), lodging?.stop()]);
    await gw?.close();
  });
  beforeEach(() => {
    identity.received.length = 0;
    lodging.received.length = 0;
    // Each execution creates a new establishment, so a second execution would be visible in the body.
    lodging.on(RPC.lodging.registerEstablishment, async (): Promise<RpcReply> => {
      await sleep(150);
      return { ok: true, status: 201, body: { establishmentId: `est-${++created}`, ...REGISTER_ESTABLISHMENT_EXAMPLE } };
    });
  });

  const post = (key: string | undefined, body: unknown = REGISTER_ESTABLISHMENT_EXAMPLE, token = portal) =>
    gw.request('POST', 'lodging/establishments', { token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  it('given the same key and body twice, when posted, then the second answer is the first (status, body), marked replayed, and one request reached the service', async () => {
    const key = newKey();
    const first = await post(key);
    const second = await post(key, { address: REGISTER_ESTABLISHMENT_EXAMPLE.address, kind: 'HOTEL', name: REGISTER_ESTABLISHMENT_EXAMPLE.name });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(lodging.received).toHaveLength(1);
  });

  it('given no key, when the same body is posted twice, then both execute', async () => {
    const a = await post(undefined);
    const b = await post(undefined);
    expect(a.body.establishmentId).not.toBe(b.body.establishmentId);
    expect(lodging.received).toHaveLength(2);
  });

  it('given a used key, when posted with a different body, then 422 and nothing reaches the service', async () => {
    const key = newKey();
    await post(key);
    const other = await post(key, { ...REGISTER_ESTABLISHMENT_EXAMPLE, name: 'Nhà nghỉ Khác' });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(lodging.received).toHaveLength(1);
  });

  it('given a used key, when another route is posted with it, then 422', async () => {
    const key = newKey();
    identity.on(RPC.identity.registerCitizen, () => ({ ok: true, status: 201, body: {} }));
    await post(key, REGISTER_ESTABLISHMENT_EXAMPLE, await gw.token('admin'));
    expect((await gw.request('POST', 'citizens', { token: await gw.token('admin'), body: REGISTER_CITIZEN_EXAMPLE, headers: { 'idempotency-key': key } })).status).toBe(422);
  });

  it('given the same key from two clients, when posted, then each client has its own key space', async () => {
    const key = newKey();
    const a = await post(key, REGISTER_ESTABLISHMENT_EXAMPLE, portal);
    const b = await post(key, REGISTER_ESTABLISHMENT_EXAMPLE, await gw.token('admin'));
    expect(a.body.establishmentId).not.toBe(b.body.establishmentId);
    expect(lodging.received).toHaveLength(2);
  });

  it('given 20 identical requests at once, when posted, then exactly one executes and the others get its answer or 409', async () => {
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(key)));
    expect(lodging.received).toHaveLength(1);
    const ok = answers.filter((a) => a.status === 201);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(ok.length + inFlight.length).toBe(20);
    expect(new Set(ok.map((a) => a.text)).size).toBe(1);
    for (const a of inFlight) {
      expect(a.body.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      expect(a.headers.get('retry-after')).toBe('1');
    }
    // Once it is done, every repeat is the replay.
    const after = await post(key);
    expect(after.text).toBe(ok[0]?.text ?? after.text);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
  });

  it('given 30 requests with different keys at once, when posted, then each executes once and each repeat replays its own answer', async () => {
    const keys = Array.from({ length: 30 }, () => newKey());
    const before = lodging.received.length;
    const first = await Promise.all(keys.map((key) => post(key)));
    expect(first.map((a) => a.status)).toEqual(keys.map(() => 201));
    expect(lodging.received.length - before).toBe(30);
    // The claims and outcomes went to Postgres together; each row is still its own request's.
    const again = await Promise.all(keys.map((key) => post(key)));
    expect(again.map((a) => a.headers.get('idempotent-replayed'))).toEqual(keys.map(() => 'true'));
    expect(again.map((a) => a.text)).toEqual(first.map((a) => a.text));
    expect(lodging.received.length - before).toBe(30);
  });

  it('given a business refusal (4xx), when repeated with the key, then the refusal is replayed, not re-executed', async () => {
    const key = newKey();
    identity.on(RPC.identity.registerCitizen, () => ({ ok: false, error: { code: 'ALREADY_EXISTS', message: 'already registered' } }));
    const first = await gw.request('POST', 'citizens', { token: officer, body: REGISTER_CITIZEN_EXAMPLE, headers: { 'idempotency-key': key } });
    const again = await gw.request('POST', 'citizens', { token: officer, body: REGISTER_CITIZEN_EXAMPLE, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(identity.received).toHaveLength(1);
  });

  it('given a service that does not answer in time (503), when retried with the key, then the key was released and the retry executes', async () => {
    const key = newKey();
    lodging.on(RPC.lodging.registerEstablishment, async (): Promise<RpcReply> => {
      await sleep(2500);
      return { ok: true, status: 201, body: { establishmentId: 'late' } };
    });
    const timedOut = await post(key);
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('retry-after')).toBe('5');
    lodging.on(RPC.lodging.registerEstablishment, () => ({ ok: true, status: 201, body: { establishmentId: 'retried' } }));
    const retry = await post(key);
    expect(retry.status).toBe(201);
    expect(retry.body.establishmentId).toBe('retried');
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('given a service error (5xx reply), when retried with the key, then the key was released', async () => {
    const key = newKey();
    lodging.on(RPC.lodging.registerEstablishment, () => ({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'boom', status: 500 } }));
    expect((await post(key)).status).toBe(500);
    lodging.on(RPC.lodging.registerEstablishment, () => ({ ok: true, status: 201, body: { establishmentId: 'second-try' } }));
    expect((await post(key)).body.establishmentId).toBe('second-try');
  });

  it('given a body refused by validation, when posted with a key, then the key is not consumed', async () => {
    const key = newKey();
    expect((await post(key, { ...REGISTER_ESTABLISHMENT_EXAMPLE, kind: 'CASTLE' })).status).toBe(400);
    expect((await post(key)).status).toBe(201);
    expect(lodging.received).toHaveLength(1);
  });

  it('given a malformed key, when posted, then 400 and nothing executes', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'kh\u00f3a']) {
      const res = await gw.request('POST', 'lodging/establishments', { token: portal, body: REGISTER_ESTABLISHMENT_EXAMPLE, headers: { 'idempotency-key': key } });
      expect([key, res.status]).toEqual([key, 400]);
    }
    expect(lodging.received).toHaveLength(0);
  });

  it('given a request whose holder died (in flight past its lease), when repeated, then the repeat takes the key over', async () => {
    const key = newKey();
    const { requestHash } = await import('./idempotency-key');
    await gw.query(
      `INSERT INTO idempotency_keys (client_id, key, request_hash, method, path, state, claim_token, locked_until, created_at, expires_at)
       VALUES ('portal', $1, $2, 'POST', '/api/v1/lodging/establishments', 'in_flight', gen_random_uuid(), $3, $3, $4)`,
      [key, requestHash('POST', '/api/v1/lodging/establishments', REGISTER_ESTABLISHMENT_EXAMPLE), new Date(clock.now().getTime() - 1000), new Date(clock.now().getTime() + 3_600_000)],
    );
    expect((await post(key)).status).toBe(201);
    expect(lodging.received).toHaveLength(1);
  });

  it('given keys older than 24 h, when the purge runs, then they are gone and the key can be used again', async () => {
    const key = newKey();
    const first = await post(key);
    clock.advance(24 * 3_600_000 + 1000);
    try {
      const purged = await gw.app.get(IdempotencyService).purgeExpired();
      expect(purged).toBeGreaterThanOrEqual(1);
      expect(await gw.query('SELECT 1 FROM idempotency_keys WHERE client_id = $1 AND key = $2', ['portal', key])).toHaveLength(0);
      // The cached token expired with the 24 h jump: ask a fresh one (another scope list, so not from the cache).
      const again = await post(key, REGISTER_ESTABLISHMENT_EXAMPLE, await gw.token('portal', 'lodging:submit'));
      expect(again.status).toBe(201);
      expect(again.body.establishmentId).not.toBe(first.body.establishmentId);
    } finally {
      clock.advance(-(24 * 3_600_000 + 1000));
    }
  });
});
