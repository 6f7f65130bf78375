import { RPC, type RpcReply } from '@d06/contracts';
import { ManualClock } from '@d06/testing';
import { startFakeService, type FakeService } from '../testing/fake-service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { REGISTER_CITIZEN_EXAMPLE } from './identity/identity.dto';
import { SUBMIT_DOSSIER_EXAMPLE } from './residence/residence.dto';
import { REGISTER_ESTABLISHMENT_EXAMPLE, SUBMIT_NOTICE_EXAMPLE } from './lodging/lodging.dto';

const NOW = '2026-03-02T08:00:00Z';
const PID = '001090012345';
const UUID = '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a';
const echo = (status: number) => (payload: unknown): RpcReply => ({ ok: true, status, body: { echo: payload } });

/**
 * Each route of CONTRACT.md §2.3-§2.6 against stand-in services on the gateway's topic prefix:
 * what the gateway sends (payload, correlation id, actor) and how it maps the reply.
 */
describe('domain routes (stand-in services)', () => {
  let gw: TestGateway;
  let identity: FakeService;
  let residence: FakeService;
  let lodging: FakeService;
  const tokens: Record<string, string> = {};
  const clock = new ManualClock(NOW);

  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_routes', clock });
    [identity, residence, lodging] = await Promise.all([
      startFakeService('identity', gw.prefix),
      startFakeService('residence', gw.prefix),
      startFakeService('lodging', gw.prefix),
    ]);
    for (const id of ['portal', 'officer', 'agency', 'operator']) tokens[id] = await gw.token(id);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([identity?.stop(), residence?.stop(), lodging?.stop()]);
    await gw?.close();
  });
  beforeEach(() => {
    for (const s of [identity, residence, lodging]) s.received.length = 0;
  });

  describe('identity', () => {
    it('given a valid citizen, when POST /citizens, then RegisterCitizen carries the body, the correlation id and the client; the reply status and body come back', async () => {
      identity.on(RPC.identity.registerCitizen, echo(201));
      const res = await gw.request('POST', 'citizens', { token: tokens['officer'], body: REGISTER_CITIZEN_EXAMPLE, headers: { 'x-correlation-id': 'corr-register-1' } });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({ echo: REGISTER_CITIZEN_EXAMPLE });
      expect(identity.received).toHaveLength(1);
      expect(identity.received[0]).toMatchObject({ type: 'RegisterCitizen', meta: { correlationId: 'corr-register-1', actor: { clientId: 'officer' } } });
      expect(identity.received[0].meta.causationId).toEqual(expect.any(String));
    });

    it.each([
      ['ALREADY_EXISTS', 409, undefined],
      ['NOT_FOUND', 404, undefined],
      ['APPLICANT_DECEASED', 422, undefined],
      ['SOMETHING_NEW', 422, undefined],
      ['VALIDATION_FAILED', 400, 400],
    ])('given the service refuses with %s, when POST /citizens, then the problem has status %i', async (code, expected, status) => {
      identity.on(RPC.identity.registerCitizen, () => ({ ok: false, error: { code, message: `refused: ${code}`, ...(status ? { status } : {}), errors: [{ field: 'personalId', message: 'taken' }] } }));
      const res = await gw.request('POST', 'citizens', { token: tokens['officer'], body: REGISTER_CITIZEN_EXAMPLE });
      expect(res.status).toBe(expected);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: expected, code, detail: `refused: ${code}`, errors: [{ field: 'personalId', message: 'taken' }], instance: '/api/v1/citizens' });
    });

    it('given X-Purpose, when GET /citizens/{id}, then GetCitizen carries the id and the purpose', async () => {
      identity.on(RPC.identity.getCitizen, echo(200));
      const res = await gw.request('GET', `citizens/${PID}`, { token: tokens['officer'], headers: { 'x-purpose': 'Ki%E1%BB%83m%20tra%20h%E1%BB%93%20s%C6%A1' } });
      expect(res.status).toBe(200);
      expect(identity.received[0].payload).toEqual({ personalId: PID, purpose: 'Kiểm tra hồ sơ' });
    });

    it('given a date of death, when POST /citizens/{id}/death, then RecordDeath is sent and 200 comes back', async () => {
      identity.on(RPC.identity.recordDeath, echo(200));
      const res = await gw.request('POST', `citizens/${PID}/death`, { token: tokens['officer'], body: { dateOfDeath: '2026-01-15' } });
      expect(res.status).toBe(200);
      expect(identity.received[0].payload).toEqual({ personalId: PID, dateOfDeath: '2026-01-15' });
    });

    it('given only some fields, when POST /identity/verify, then VerifyCitizen carries only those and {match} comes back', async () => {
      identity.on(RPC.identity.verifyCitizen, () => ({ ok: true, status: 200, body: { match: true } }));
      const res = await gw.request('POST', 'identity/verify', { token: tokens['portal'], body: { personalId: PID, fullName: 'Nguyễn Văn An' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ match: true });
      expect(identity.received[0].payload).toEqual({ personalId: PID, fullName: 'Nguyễn Văn An' });
    });
  });

  describe('residence', () => {
    it('given a dossier, when POST /residence/dossiers, then SubmitDossier carries every field (absent ones as null)', async () => {
      residence.on(RPC.residence.submitDossier, echo(201));
      const res = await gw.request('POST', 'residence/dossiers', { token: tokens['portal'], body: { procedure: 'ABSENCE_DECLARATION', applicantId: PID } });
      expect(res.status).toBe(201);
      expect(residence.received[0].payload).toEqual({ procedure: 'ABSENCE_DECLARATION', applicantId: PID, address: null, startDate: null, endDate: null, reason: null });
      expect(residence.received[0].meta.actor).toEqual({ clientId: 'portal' });
    });

    it('given the example dossier, when submitted, then the address goes as given', async () => {
      residence.on(RPC.residence.submitDossier, echo(201));
      await gw.request('POST', 'residence/dossiers', { token: tokens['portal'], body: SUBMIT_DOSSIER_EXAMPLE });
      expect(residence.received[0].payload).toEqual(SUBMIT_DOSSIER_EXAMPLE);
    });

    it('given a dossier id, when GET and POST decision, then GetDossier and DecideDossier go to residence', async () => {
      residence.on(RPC.residence.getDossier, echo(200));
      residence.on(RPC.residence.decideDossier, () => ({ ok: false, error: { code: 'ALREADY_DECIDED', message: 'already decided' } }));
      expect((await gw.request('GET', `residence/dossiers/${UUID}`, { token: tokens['officer'] })).status).toBe(200);
      const decided = await gw.request('POST', `residence/dossiers/${UUID}/decision`, { token: tokens['officer'], body: { outcome: 'APPROVED' } });
      expect(decided.status).toBe(409);
      expect(residence.received.map((r) => r.payload)).toEqual([{ dossierId: UUID }, { dossierId: UUID, outcome: 'APPROVED', reason: null }]);
    });

    it('given a ward and a range, when GET /residence/stats, then GetResidenceStats is asked', async () => {
      residence.on(RPC.residence.getStats, () => ({ ok: true, status: 200, body: { received: 1, resolved: 0, resolvedOnTime: 0, resolvedLate: 0, pending: 1, overdue: 0 } }));
      const res = await gw.request('GET', 'residence/stats?wardCode=00004&from=2026-01-01&to=2026-03-31', { token: tokens['officer'] });
      expect(res.body.pending).toBe(1);
      expect(residence.received[0]).toMatchObject({ type: 'GetResidenceStats', payload: { wardCode: '00004', from: '2026-01-01', to: '2026-03-31' } });
    });
  });

  describe('lodging', () => {
    it('given an establishment, when POST /lodging/establishments, then RegisterEstablishment is sent and 201 comes back', async () => {
      lodging.on(RPC.lodging.registerEstablishment, () => ({ ok: true, status: 201, body: { establishmentId: UUID, ...REGISTER_ESTABLISHMENT_EXAMPLE } }));
      const res = await gw.request('POST', 'lodging/establishments', { token: tokens['portal'], body: REGISTER_ESTABLISHMENT_EXAMPLE });
      expect(res.status).toBe(201);
      expect(res.body.establishmentId).toBe(UUID);
      expect(lodging.received[0].payload).toEqual(REGISTER_ESTABLISHMENT_EXAMPLE);
    });

    it('given a notice, when POST /lodging/notices, then SubmitNotice carries both kinds of guest', async () => {
      lodging.on(RPC.lodging.submitNotice, echo(201));
      const res = await gw.request('POST', 'lodging/notices', { token: tokens['portal'], body: SUBMIT_NOTICE_EXAMPLE });
      expect(res.status).toBe(201);
      expect(lodging.received[0].payload).toEqual(SUBMIT_NOTICE_EXAMPLE);
    });

    it('given an arrival more than 1 h ahead of the clock, when POST /lodging/notices, then 400 and nothing is sent', async () => {
      const res = await gw.request('POST', 'lodging/notices', { token: tokens['portal'], body: { ...SUBMIT_NOTICE_EXAMPLE, arrivalAt: '2026-03-02T16:01:00+07:00' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'arrivalAt', message: 'arrivalAt must not be more than 1 hour in the future.' }]);
      const within = await gw.request('POST', 'lodging/notices', { token: tokens['portal'], body: { ...SUBMIT_NOTICE_EXAMPLE, arrivalAt: '2026-03-02T15:59:00+07:00' } });
      expect(within.status).toBe(201);
      expect(lodging.received).toHaveLength(1);
    });

    it('given a notice id, when POST departure, then RecordDeparture; guests and stats are read from lodging', async () => {
      lodging.on(RPC.lodging.recordDeparture, echo(200));
      lodging.on(RPC.lodging.getCurrentGuests, () => ({ ok: true, status: 200, body: { establishmentId: UUID, guests: [] } }));
      lodging.on(RPC.lodging.getStats, () => ({ ok: true, status: 200, body: { notices: 0, guests: 0, foreignGuests: 0, late: 0 } }));
      expect((await gw.request('POST', `lodging/notices/${UUID}/departure`, { token: tokens['portal'], body: { departedAt: '2026-03-02T11:20:00+07:00' } })).status).toBe(200);
      expect((await gw.request('GET', `lodging/establishments/${UUID}/guests`, { token: tokens['officer'] })).body).toEqual({ establishmentId: UUID, guests: [] });
      expect((await gw.request('GET', 'lodging/stats?wardCode=00004&from=2026-03-01&to=2026-03-02', { token: tokens['portal'] })).body.notices).toBe(0);
      expect(lodging.received.map((r) => r.type)).toEqual(['RecordDeparture', 'GetCurrentGuests', 'GetLodgingStats']);
      expect(lodging.received[0].payload).toEqual({ noticeId: UUID, departedAt: '2026-03-02T11:20:00+07:00' });
    });
  });

  describe('sharing and audit', () => {
    it('given no X-Purpose, when an agency reads a citizen, then 400 and nothing is sent', async () => {
      const res = await gw.request('GET', `sharing/citizens/${PID}`, { token: tokens['agency'] });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('X-Purpose');
      const long = await gw.request('GET', `sharing/citizens/${PID}`, { token: tokens['agency'], headers: { 'x-purpose': 'x'.repeat(201) } });
      expect(long.status).toBe(400);
      expect(identity.received).toHaveLength(0);
    });

    it('given X-Purpose, when an agency reads a citizen, then ShareCitizen carries the agency policy fields from configuration', async () => {
      identity.on(RPC.identity.shareCitizen, () => ({ ok: true, status: 200, body: { personalId: PID, fullName: 'Nguyễn Văn An' } }));
      const res = await gw.request('GET', `sharing/citizens/${PID}`, { token: tokens['agency'], headers: { 'x-purpose': 'Social insurance check' } });
      expect(res.status).toBe(200);
      expect(identity.received[0].payload).toEqual({ personalId: PID, purpose: 'Social insurance check', fields: ['personalId', 'fullName', 'dateOfBirth', 'gender', 'permanentAddress'] });
    });

    it('given a page with a next cursor, when GET /audit/access-log, then the body is the array and the cursor is in X-Next-Cursor and Link', async () => {
      const items = [{ at: '2026-03-02T08:00:00Z', clientId: 'agency', purpose: 'x', fields: ['fullName'], channel: 'sharing', correlationId: 'c' }];
      identity.on(RPC.identity.getAccessLog, () => ({ ok: true, status: 200, body: { items, nextCursor: 'abc123' } }));
      const res = await gw.request('GET', `audit/access-log?personalId=${PID}`, { token: tokens['operator'] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(items);
      expect(res.headers.get('x-next-cursor')).toBe('abc123');
      expect(res.headers.get('link')).toBe(`</api/v1/audit/access-log?personalId=${PID}&limit=50&cursor=abc123>; rel="next"`);
      expect(identity.received[0].payload).toEqual({ personalId: PID, limit: 50, cursor: null });
      await gw.request('GET', `audit/access-log?personalId=${PID}&limit=500&cursor=abc123`, { token: tokens['operator'] });
      expect(identity.received[1].payload).toEqual({ personalId: PID, limit: 500, cursor: 'abc123' });
    });

    it('given a limit over 500 or not a number, when GET /audit/access-log, then 400', async () => {
      for (const limit of ['501', '0', 'ten', '1e2']) {
        expect((await gw.request('GET', `audit/access-log?personalId=${PID}&limit=${limit}`, { token: tokens['operator'] })).status).toBe(400);
      }
      expect(identity.received).toHaveLength(0);
    });

    it('given a service and a stream id, when GET /audit/streams, then that service is asked for the stream', async () => {
      residence.on(RPC.residence.getStream, () => ({ ok: true, status: 200, body: { service: 'residence', streamId: UUID, events: [{ streamId: UUID, streamVersion: 1 }] } }));
      const res = await gw.request('GET', `audit/streams/residence/${UUID}`, { token: tokens['operator'] });
      expect(res.body).toEqual({ service: 'residence', streamId: UUID, events: [{ streamId: UUID, streamVersion: 1 }] });
      expect(residence.received[0]).toMatchObject({ type: 'GetStream', payload: { streamId: UUID } });
      expect((await gw.request('GET', `audit/streams/billing/${UUID}`, { token: tokens['operator'] })).status).toBe(400);
    });

    it('given the wrong scope for each family, when called, then 403 and nothing is sent', async () => {
      const calls: [string, string, string, unknown?][] = [
        ['portal', 'GET', `citizens/${PID}`],
        ['officer', 'POST', 'identity/verify', { personalId: PID }],
        ['agency', 'GET', `residence/dossiers/${UUID}`],
        ['officer', 'POST', 'residence/dossiers', SUBMIT_DOSSIER_EXAMPLE],
        ['portal', 'POST', `residence/dossiers/${UUID}/decision`, { outcome: 'APPROVED' }],
        ['officer', 'POST', 'lodging/notices', SUBMIT_NOTICE_EXAMPLE],
        ['operator', 'GET', `lodging/establishments/${UUID}/guests`],
        ['officer', 'GET', `sharing/citizens/${PID}`],
        ['agency', 'GET', `audit/access-log?personalId=${PID}`],
      ];
      for (const [client, method, path, body] of calls) {
        expect([client, method, path, (await gw.request(method, path, { token: tokens[client], body, headers: { 'x-purpose': 'p' } })).status]).toEqual([client, method, path, 403]);
      }
      expect([...identity.received, ...residence.received, ...lodging.received]).toHaveLength(0);
    });
  });
});
