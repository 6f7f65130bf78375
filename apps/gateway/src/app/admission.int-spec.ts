import { RPC, type RpcReply } from '@d06/contracts';
import { startFakeService, type FakeService } from '../testing/fake-service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const NOTICE = { establishmentId: '9b2e4f60-1c3d-4a5b-8e7f-0a1b2c3d4e5f', arrivalAt: '2026-03-02T14:30:00+07:00', guests: [{ personalId: '001090012345' }] };

/**
 * GATEWAY_MAX_IN_FLIGHT: an instance working on its limit of requests refuses the next one at
 * once with 503 OVERLOADED and Retry-After, still answers /health, and takes requests again as
 * soon as one finishes.
 */
describe('gateway admission limit', () => {
  let gw: TestGateway;
  let lodging: FakeService;
  const held: (() => void)[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_admission', env: { GATEWAY_MAX_IN_FLIGHT: '2' } });
    lodging = await startFakeService('lodging', gw.prefix, {
      // Each notice waits until the test lets it go.
      [RPC.lodging.submitNotice]: (p) => new Promise<RpcReply>((resolve) => held.push(() => resolve({ ok: true, status: 201, body: p }))),
    });
  }, 120_000);
  afterAll(async () => {
    held.splice(0).forEach((release) => release());
    await lodging?.stop();
    await gw?.close();
  });

  it('given two requests in progress and a limit of two, when a third comes, then 503 OVERLOADED with Retry-After; health still answers; once one finishes, requests are taken again', async () => {
    const token = await gw.token('portal');
    const first = gw.request('POST', 'lodging/notices', { token, body: NOTICE });
    const second = gw.request('POST', 'lodging/notices', { token, body: NOTICE });
    for (let i = 0; i < 100 && held.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(held).toHaveLength(2);

    const refused = await gw.request('POST', 'lodging/notices', { token, body: NOTICE });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({ status: 503, code: 'OVERLOADED', instance: '/api/v1/lodging/notices', correlationId: expect.any(String) });
    // Health answers for itself (here 503 for the services this test does not run), never OVERLOADED.
    const health = await gw.request('GET', '/health');
    expect(health.body?.code).not.toBe('OVERLOADED');
    expect(health.body).toHaveProperty('status');

    held.splice(0).forEach((release) => release());
    expect([(await first).status, (await second).status]).toEqual([201, 201]);
    const third = gw.request('POST', 'lodging/notices', { token, body: NOTICE });
    for (let i = 0; i < 100 && held.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    held.splice(0).forEach((release) => release());
    expect((await third).status).toBe(201);

    const metrics = await gw.request('GET', '/metrics');
    expect(metrics.text).toMatch(/gateway_overload_refusals_total(\{[^}]*\})? 1\b/);
  }, 60_000);
});
