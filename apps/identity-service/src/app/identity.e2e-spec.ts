import { randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '@d06/testing';

const HANOI = { provinceCode: '01', wardCode: '00004', detail: 'Số 12 phố Điện Biên Phủ' };
const AN = { personalId: '001090012345', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17', gender: 'MALE' };
const CUC = { personalId: '066155003210', fullName: 'Hoàng Thị Cúc', dateOfBirth: '1955-03-08', gender: 'FEMALE' };
const UNKNOWN = '001090099999';

/**
 * CONTRACT.md §2.3 through the gateway's HTTP API: the four apps as processes (dist/), each row
 * with its success and each of its error statuses.
 */
describe('identity API (CONTRACT.md §2.3)', () => {
  let stack: TestStack;
  let officer: string;
  let portal: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack({ label: 'identity_e2e' });
    [officer, portal, operator] = await Promise.all([stack.token('officer'), stack.token('portal'), stack.token('operator')]);
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  function expectProblem(res: { status: number; body: { status?: number; errors?: { field: string }[] }; headers: Headers }, status: number, fields?: string[]) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.status).toBe(status);
    if (fields) expect((res.body.errors ?? []).map((e) => e.field)).toEqual(expect.arrayContaining(fields));
  }

  describe('POST /citizens', () => {
    it('given an officer, when a new citizen is registered, then 201 with the citizen', async () => {
      const res = await stack.http('POST', '/citizens', { token: officer, body: { ...AN, permanentAddress: HANOI } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ ...AN, status: 'ALIVE', permanentAddress: HANOI, temporaryAddress: null, version: 1, updatedAt: expect.any(String) });
      expect(Number.isNaN(Date.parse(res.body.updatedAt))).toBe(false);
      expect((await stack.http('POST', '/citizens', { token: officer, body: CUC })).status).toBe(201);
    });

    it('given a personal ID already registered, then 409', async () => {
      expectProblem(await stack.http('POST', '/citizens', { token: officer, body: AN }), 409);
    });

    it('given a malformed personal ID, one with an unknown province, or one disagreeing with the date of birth or gender, then 400 naming personalId', async () => {
      for (const personalId of ['12345', '003090012345', '00109001234x']) {
        expectProblem(await stack.http('POST', '/citizens', { token: officer, body: { ...AN, personalId } }), 400, ['personalId']);
      }
      expectProblem(await stack.http('POST', '/citizens', { token: officer, body: { ...AN, personalId: '001090054321', dateOfBirth: '1991-05-17' } }), 400, ['personalId']);
      expectProblem(await stack.http('POST', '/citizens', { token: officer, body: { ...AN, personalId: '001090054321', gender: 'FEMALE' } }), 400, ['personalId']);
    });

    it('given an address with a ward outside its province, then 400', async () => {
      const res = await stack.http('POST', '/citizens', { token: officer, body: { ...AN, personalId: '001090054321', permanentAddress: { ...HANOI, wardCode: '24163' } } });
      expectProblem(res, 400);
    });

    it('given no token, then 401; given a client without identity:write, then 403', async () => {
      expectProblem(await stack.http('POST', '/citizens', { body: { ...AN, personalId: '001090054321' } }), 401);
      expectProblem(await stack.http('POST', '/citizens', { token: portal, body: { ...AN, personalId: '001090054321' } }), 403);
    });
  });

  describe('GET /citizens/{personalId}', () => {
    it('given a registered citizen, then 200 with the record, and the read is in the access log with the correlation id', async () => {
      const correlationId = `e2e-${randomUUID()}`;
      const res = await stack.http('GET', `/citizens/${AN.personalId}`, { token: officer, headers: { 'X-Correlation-Id': correlationId, 'X-Purpose': encodeURIComponent('Kiểm tra') } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ...AN, status: 'ALIVE', permanentAddress: HANOI, temporaryAddress: null, version: 1 });
      expect(res.headers.get('x-correlation-id')).toBe(correlationId);
      const rows = await stack.query<{ client_id: string; purpose: string; channel: string; correlation_id: string }>(
        'identity-service',
        'SELECT client_id, purpose, channel, correlation_id FROM citizen_access_log WHERE personal_id = $1',
        [AN.personalId],
      );
      expect(rows).toEqual([{ client_id: 'officer', purpose: 'Kiểm tra', channel: 'IDENTITY_LOOKUP', correlation_id: correlationId }]);
      const log = await stack.http('GET', `/audit/access-log?personalId=${AN.personalId}`, { token: operator });
      expect(log.status).toBe(200);
      expect(log.body).toEqual([expect.objectContaining({ clientId: 'officer', purpose: 'Kiểm tra' })]);
    });

    it('given an unknown citizen, then 404; a malformed id, 400', async () => {
      expectProblem(await stack.http('GET', `/citizens/${UNKNOWN}`, { token: officer }), 404);
      expectProblem(await stack.http('GET', '/citizens/12345', { token: officer }), 400);
    });

    it('given no token, then 401; given a client without identity:read, then 403', async () => {
      expectProblem(await stack.http('GET', `/citizens/${AN.personalId}`), 401);
      expectProblem(await stack.http('GET', `/citizens/${AN.personalId}`, { token: portal }), 403);
    });
  });

  describe('POST /identity/verify', () => {
    const verify = (body: unknown, token = portal) => stack.http('POST', '/identity/verify', { token, body });

    it('given a living citizen, then true when every given field agrees (names folded), false when one does not', async () => {
      expect(await verify({ personalId: AN.personalId })).toMatchObject({ status: 200, body: { match: true } });
      expect((await verify({ ...AN, fullName: 'NGUYỄN  văn an' })).body).toEqual({ match: true });
      expect((await verify({ ...AN, fullName: 'Nguyễn Văn Anh' })).body).toEqual({ match: false });
      expect((await verify({ ...AN, dateOfBirth: '1990-05-18' })).body).toEqual({ match: false });
      expect((await verify({ personalId: CUC.personalId, gender: 'FEMALE' })).body).toEqual({ match: true });
    });

    it('given an unknown citizen, then false and nothing else', async () => {
      const res = await verify({ personalId: UNKNOWN, fullName: 'Nguyễn Văn An' });
      expect(res).toMatchObject({ status: 200, body: { match: false } });
      expect(Object.keys(res.body)).toEqual(['match']);
    });

    it('given a malformed id or one disagreeing with the date of birth, then 400', async () => {
      expectProblem(await verify({ personalId: '12345' }), 400, ['personalId']);
      expectProblem(await verify({ personalId: AN.personalId, dateOfBirth: '1985-05-17' }), 400, ['personalId']);
    });

    it('given no token, then 401; given a client without identity:verify, then 403', async () => {
      expectProblem(await stack.http('POST', '/identity/verify', { body: { personalId: AN.personalId } }), 401);
      expectProblem(await verify({ personalId: AN.personalId }, officer), 403);
    });
  });

  describe('POST /citizens/{personalId}/death', () => {
    it('given a living citizen, then 200 DECEASED; again, 409; and verify answers false exactly as for an unknown citizen', async () => {
      const res = await stack.http('POST', `/citizens/${CUC.personalId}/death`, { token: officer, body: { dateOfDeath: '2026-01-15' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ personalId: CUC.personalId, status: 'DECEASED', version: 2 });
      expectProblem(await stack.http('POST', `/citizens/${CUC.personalId}/death`, { token: officer, body: { dateOfDeath: '2026-01-15' } }), 409);
      const deceased = await stack.http('POST', '/identity/verify', { token: portal, body: { personalId: CUC.personalId, gender: 'FEMALE' } });
      const unknown = await stack.http('POST', '/identity/verify', { token: portal, body: { personalId: '066155009999', gender: 'FEMALE' } });
      expect([deceased.status, deceased.body]).toEqual([unknown.status, unknown.body]);
      expect(deceased.body).toEqual({ match: false });
    });

    it('given an unknown citizen, then 404; a date that is not a date, 400', async () => {
      expectProblem(await stack.http('POST', `/citizens/${UNKNOWN}/death`, { token: officer, body: { dateOfDeath: '2026-01-15' } }), 404);
      expectProblem(await stack.http('POST', `/citizens/${AN.personalId}/death`, { token: officer, body: { dateOfDeath: '15/01/2026' } }), 400);
    });

    it('given no token, then 401; given a client without identity:write, then 403', async () => {
      expectProblem(await stack.http('POST', `/citizens/${AN.personalId}/death`, { body: { dateOfDeath: '2026-01-15' } }), 401);
      expectProblem(await stack.http('POST', `/citizens/${AN.personalId}/death`, { token: portal, body: { dateOfDeath: '2026-01-15' } }), 403);
    });
  });
});
