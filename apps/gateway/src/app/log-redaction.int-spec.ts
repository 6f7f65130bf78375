import { RPC } from '@d06/contracts';
import { startFakeService, type FakeService } from '../testing/fake-service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { testSecretOf } from '../testing/test-clients';

// Distinctive personal values, so that finding one in the log can only mean a leak.
const PERSON = {
  personalId: '079195001234',
  fullName: 'Trần Thị Bích Ngọc',
  dateOfBirth: '1995-08-21',
  gender: 'FEMALE',
  permanentAddress: { provinceCode: '01', wardCode: '00004', detail: 'Số 77 ngõ Hòe Nhai' },
};
const GUEST = { passportNumber: 'B9876543', nationality: 'DEU', fullName: 'Hans Zimmermann', dateOfBirth: '1979-02-14' };
const PURPOSE = 'Verification for pension file 55-A';

/**
 * Issue 4 §5: a full request cycle (tokens in three ways, writes and reads of personal data, a
 * refusal, a validation failure, a service timeout) at log level trace, then the captured log
 * is searched for every personal value and secret that was sent. None may be there.
 */
describe('logs hold no personal data or secrets', () => {
  let gw: TestGateway;
  let identity: FakeService;
  let lodging: FakeService;
  const log: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({
      label: 'gw_logs',
      env: { LOG_LEVEL: 'trace', GATEWAY_RPC_TIMEOUT_MS: '600' },
      logDestination: { write: (line: string) => void log.push(line) },
    });
    identity = await startFakeService('identity', gw.prefix, {
      [RPC.identity.registerCitizen]: (p) => ({ ok: true, status: 201, body: p }),
      [RPC.identity.getCitizen]: () => ({ ok: true, status: 200, body: { ...PERSON, status: 'ALIVE', temporaryAddress: null, version: 1, updatedAt: '2026-03-02T08:00:00Z' } }),
      [RPC.identity.recordDeath]: () => ({ ok: false, error: { code: 'NOT_FOUND', message: `no citizen ${PERSON.personalId}` } }),
      [RPC.identity.verifyCitizen]: () => ({ ok: true, status: 200, body: { match: true } }),
      [RPC.identity.shareCitizen]: () => ({ ok: true, status: 200, body: { personalId: PERSON.personalId, fullName: PERSON.fullName } }),
      [RPC.identity.getAccessLog]: () => ({ ok: true, status: 200, body: { items: [{ at: 'x', clientId: 'agency', purpose: PURPOSE, fields: ['fullName'] }], nextCursor: null } }),
    });
    lodging = await startFakeService('lodging', gw.prefix, { [RPC.lodging.submitNotice]: (p) => ({ ok: true, status: 201, body: p }) });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([identity?.stop(), lodging?.stop()]);
    await gw?.close();
  });

  it('given a full request cycle, when the log is searched, then no personal value, secret or token is in it', async () => {
    const tokens: string[] = [];
    // Tokens: JSON body, form body, HTTP Basic, and a failed attempt with a wrong secret.
    const officer = await gw.request('POST', 'auth/token', { body: { grant_type: 'client_credentials', client_id: 'officer', client_secret: testSecretOf('officer') } });
    const agency = await gw.request('POST', 'auth/token', {
      body: `grant_type=client_credentials&client_id=agency&client_secret=${testSecretOf('agency')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const basic = Buffer.from(`portal:${testSecretOf('portal')}`).toString('base64');
    const portal = await gw.request('POST', 'auth/token', { body: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${basic}` } });
    const operator = await gw.request('POST', 'auth/token', { body: { grant_type: 'client_credentials', client_id: 'operator', client_secret: testSecretOf('operator') } });
    expect((await gw.request('POST', 'auth/token', { body: { grant_type: 'client_credentials', client_id: 'officer', client_secret: 'wrong-secret-value-42' } })).status).toBe(401);
    for (const r of [officer, agency, portal, operator]) {
      expect(r.status).toBe(200);
      tokens.push(r.body.access_token);
    }
    const [officerToken, agencyToken, portalToken, operatorToken] = tokens;

    expect((await gw.request('POST', 'citizens', { token: officerToken, body: PERSON, headers: { 'idempotency-key': 'log-test-1' } })).status).toBe(201);
    expect((await gw.request('POST', 'citizens', { token: officerToken, body: PERSON, headers: { 'idempotency-key': 'log-test-1' } })).status).toBe(201);
    expect((await gw.request('POST', 'citizens', { token: officerToken, body: { ...PERSON, gender: 'MALE' } })).status).toBe(400);
    expect((await gw.request('GET', `citizens/${PERSON.personalId}`, { token: officerToken, headers: { 'x-purpose': PURPOSE } })).status).toBe(200);
    expect((await gw.request('POST', `citizens/${PERSON.personalId}/death`, { token: officerToken, body: { dateOfDeath: '2026-02-01' } })).status).toBe(404);
    expect((await gw.request('POST', 'identity/verify', { token: portalToken, body: { personalId: PERSON.personalId, fullName: PERSON.fullName, dateOfBirth: PERSON.dateOfBirth } })).status).toBe(200);
    expect((await gw.request('GET', `sharing/citizens/${PERSON.personalId}`, { token: agencyToken, headers: { 'x-purpose': PURPOSE } })).status).toBe(200);
    const notice = { establishmentId: '9b2e4f60-1c3d-4a5b-8e7f-0a1b2c3d4e5f', arrivalAt: '2026-03-02T14:30:00+07:00', guests: [{ personalId: PERSON.personalId, fullName: PERSON.fullName }, GUEST] };
    expect((await gw.request('POST', 'lodging/notices', { token: portalToken, body: notice })).status).toBe(201);
    expect((await gw.request('GET', `audit/access-log?personalId=${PERSON.personalId}`, { token: operatorToken })).status).toBe(200);
    // No residence service runs on this prefix: a 503, which the access log writes as an error.
    expect((await gw.request('POST', 'residence/dossiers', { token: portalToken, body: { procedure: 'PERMANENT_REGISTRATION', applicantId: PERSON.personalId, address: PERSON.permanentAddress } })).status).toBe(503);
    expect((await gw.request('GET', `citizens/${PERSON.personalId}`, { headers: { authorization: `Bearer ${officerToken}x` } })).status).toBe(401);

    const text = log.join('');
    // The log is not empty: every request left a line with its masked URL.
    expect(text).toContain('"url":"/api/v1/citizens/************"');
    expect(text).toContain('"url":"/api/v1/audit/access-log?personalId=***"');
    expect(text).toMatch(/"level":50,[^\n]*"statusCode":503/);

    const secrets = [
      PERSON.personalId,
      PERSON.fullName,
      'Bích Ngọc',
      PERSON.dateOfBirth,
      PERSON.permanentAddress.detail,
      GUEST.passportNumber,
      GUEST.fullName,
      GUEST.dateOfBirth,
      PURPOSE,
      ...['officer', 'agency', 'portal', 'operator'].map(testSecretOf),
      'wrong-secret-value-42',
      basic,
      ...tokens,
      ...tokens.map((t) => t.split('.')[2]),
    ];
    const found = secrets.filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
    expect(found).toEqual([]);
  }, 60_000);
});
