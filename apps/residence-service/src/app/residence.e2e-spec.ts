import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { eventually, startTestStack, type TestStack } from '@d06/testing';
import { nextPersonalId } from '../testing/residence-harness';

jest.setTimeout(180_000);

const BA_DINH = { provinceCode: '01', wardCode: '00004', detail: '1 Phan Đình Phùng' };
const NGOC_HA = { provinceCode: '01', wardCode: '00008', detail: '5 Đội Cấn' };
const DAK_LAK = { provinceCode: '66', wardCode: '22015', detail: '12 Lê Duẩn' };
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+07:00$/;

/** Through the gateway's HTTP API, against the four built apps (CONTRACT.md §2.4). */
describe('residence registration end to end', () => {
  let stack: TestStack;
  let portal: string;
  let officer: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack({ label: 'residence_e2e' });
    [portal, officer, operator] = await Promise.all([stack.token('portal'), stack.token('officer'), stack.token('operator')]);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Registers a citizen at the identity service and waits until the residence service knows them. */
  async function citizen(permanentAddress: typeof BA_DINH | null = DAK_LAK): Promise<string> {
    const personalId = nextPersonalId();
    const res = await stack.http('POST', '/citizens', {
      token: officer,
      body: { personalId, fullName: 'Trần Thị Bích', dateOfBirth: '1990-03-08', gender: 'MALE', ...(permanentAddress ? { permanentAddress } : {}) },
    });
    expect(res.status).toBe(201);
    await eventually(async () => (await stack.query('residence-service', 'SELECT 1 FROM known_citizens WHERE personal_id = $1', [personalId])).length === 1, {
      timeoutMs: 15_000,
      what: `citizen ${personalId} known to the residence service`,
    });
    return personalId;
  }

  const submit = (body: unknown, headers: Record<string, string> = {}) => stack.http('POST', '/residence/dossiers', { token: portal, body, headers });
  const decide = (dossierId: string, body: unknown, token = officer) => stack.http('POST', `/residence/dossiers/${dossierId}/decision`, { token, body });

  /** Approves and measures how long until GET /citizens/{id} shows `expected` (CONTRACT: within 2 s). */
  async function approveAndWatch(dossierId: string, personalId: string, shows: (citizen: Record<string, unknown>) => boolean): Promise<number> {
    const approved = await decide(dossierId, { outcome: 'APPROVED' });
    expect(approved.status).toBe(200);
    const t0 = Date.now();
    await eventually(async () => {
      const res = await stack.http('GET', `/citizens/${personalId}`, { token: officer });
      return res.status === 200 && shows(res.body);
    }, { timeoutMs: 10_000, intervalMs: 25, what: 'the identity read model to show the approved address' });
    return Date.now() - t0;
  }

  it('submit -> approve a temporary registration: within 2 s GET /citizens/{id} shows the temporary address', async () => {
    const personalId = await citizen();
    const created = await submit({ procedure: 'TEMPORARY_REGISTRATION', applicantId: personalId, address: NGOC_HA, endDate: '2027-12-31' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      procedure: 'TEMPORARY_REGISTRATION',
      applicantId: personalId,
      status: 'RECEIVED',
      address: NGOC_HA,
      late: false,
      history: [{ status: 'RECEIVED', by: 'portal' }],
    });
    expect(created.body.receivedAt).toMatch(LOCAL_TIME);
    expect(created.body.dueDate).toMatch(LOCAL_DATE);
    const dossierId: string = created.body.dossierId;

    const read = await stack.http('GET', `/residence/dossiers/${dossierId}`, { token: portal });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const lag = await approveAndWatch(dossierId, personalId, (c) => isDeepStrictEqual(c['temporaryAddress'], NGOC_HA));
    expect(lag).toBeLessThan(2000);
    const after = await stack.http('GET', `/residence/dossiers/${dossierId}`, { token: officer });
    expect(after.body).toMatchObject({ status: 'APPROVED', late: false, history: [{ status: 'RECEIVED', by: 'portal' }, { status: 'APPROVED', by: 'officer' }] });
    expect(after.body.decidedAt).toMatch(LOCAL_TIME);

    const stream = await stack.http('GET', `/audit/streams/residence/${dossierId}`, { token: operator });
    expect(stream.status).toBe(200);
    const events = Array.isArray(stream.body) ? stream.body : stream.body.events;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['DossierReceived', 'DossierApproved']);
  });

  it('submit -> approve a permanent registration, then a permanent deregistration clears it', async () => {
    const personalId = await citizen();
    const created = await submit({ procedure: 'PERMANENT_REGISTRATION', applicantId: personalId, address: BA_DINH });
    expect(created.status).toBe(201);
    expect(await approveAndWatch(created.body.dossierId, personalId, (c) => isDeepStrictEqual(c['permanentAddress'], BA_DINH))).toBeLessThan(2000);
    await eventually(async () => {
      const [row] = await stack.query<{ ward: string | null }>('residence-service', `SELECT permanent_address->>'wardCode' AS ward FROM known_citizens WHERE personal_id = $1`, [personalId]);
      return row?.ward === BA_DINH.wardCode;
    }, { timeoutMs: 10_000, what: 'the residence change to reach the residence service' });
    const deregistration = await submit({ procedure: 'PERMANENT_DEREGISTRATION', applicantId: personalId, reason: 'chuyển đi nơi khác' });
    expect(deregistration.status).toBe(201);
    // Without an address the dossier counts in the applicant's permanent ward, known here by now.
    expect(deregistration.body.wardCode).toBe(BA_DINH.wardCode);
    expect(await approveAndWatch(deregistration.body.dossierId, personalId, (c) => c['permanentAddress'] === null)).toBeLessThan(2000);
  });

  it('an unknown applicant is 422; a deceased one is 422', async () => {
    const unknown = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: nextPersonalId() });
    expect(unknown.status).toBe(422);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');

    const personalId = await citizen();
    expect((await stack.http('POST', `/citizens/${personalId}/death`, { token: officer, body: { dateOfDeath: '2026-01-02' } })).status).toBe(200);
    await eventually(async () => (await stack.query<{ status: string }>('residence-service', 'SELECT status FROM known_citizens WHERE personal_id = $1', [personalId]))[0]?.status === 'DECEASED', {
      timeoutMs: 15_000,
      what: 'the death to reach the residence service',
    });
    const deceased = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId });
    expect(deceased.status).toBe(422);
  });

  it('a rejection needs a reason (400); a second decision is 409; an unknown dossier is 404', async () => {
    const personalId = await citizen();
    const created = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId });
    expect(created.status).toBe(201);
    const dossierId: string = created.body.dossierId;
    const noReason = await decide(dossierId, { outcome: 'REJECTED' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const rejected = await decide(dossierId, { outcome: 'REJECTED', reason: 'Thiếu giấy tờ' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', history: [{ status: 'RECEIVED' }, { status: 'REJECTED', by: 'officer' }] });
    const again = await decide(dossierId, { outcome: 'APPROVED' });
    expect(again.status).toBe(409);

    const missing = randomUUID();
    expect((await stack.http('GET', `/residence/dossiers/${missing}`, { token: portal })).status).toBe(404);
    expect((await decide(missing, { outcome: 'APPROVED' })).status).toBe(404);
  });

  it('malformed input is 400, a missing token 401, a missing scope 403', async () => {
    const personalId = await citizen();
    const badWard = await submit({ procedure: 'PERMANENT_REGISTRATION', applicantId: personalId, address: { ...BA_DINH, wardCode: '22015' } });
    expect(badWard.status).toBe(400);
    const noAddress = await submit({ procedure: 'TEMPORARY_REGISTRATION', applicantId: personalId, endDate: '2027-01-01' });
    expect(noAddress.status).toBe(400);
    const badId = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: '999990012345' });
    expect(badId.status).toBe(400);
    const badJson = await submit('{"procedure": ');
    expect(badJson.status).toBe(400);
    expect((await stack.http('GET', '/residence/dossiers/not-a-uuid', { token: portal })).status).toBe(400);
    expect((await stack.http('GET', '/residence/stats?wardCode=00004&from=2026-02-01&to=2026-01-01', { token: portal })).status).toBe(400);

    expect((await stack.http('POST', '/residence/dossiers', { body: { procedure: 'ABSENCE_DECLARATION', applicantId: personalId } })).status).toBe(401);
    expect((await stack.http('POST', '/residence/dossiers', { token: officer, body: { procedure: 'ABSENCE_DECLARATION', applicantId: personalId } })).status).toBe(403);
    expect((await decide(randomUUID(), { outcome: 'APPROVED' }, portal)).status).toBe(403);
  });

  it('the same Idempotency-Key and body give the first answer again and create nothing', async () => {
    const personalId = await citizen();
    const key = `e2e-${randomUUID()}`;
    const body = { procedure: 'ABSENCE_DECLARATION', applicantId: personalId, reason: 'đi công tác' };
    const first = await submit(body, { 'Idempotency-Key': key });
    const second = await submit(body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const rows = await stack.query('residence-service', 'SELECT dossier_id FROM dossiers WHERE applicant_id = $1', [personalId]);
    expect(rows).toHaveLength(1);
  });

  it('the ward stats count what was received and resolved today', async () => {
    const personalId = await citizen({ provinceCode: '01', wardCode: '00025', detail: '7 Giảng Võ' });
    const a = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId });
    const b = await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId });
    expect((await decide(a.body.dossierId, { outcome: 'APPROVED' })).status).toBe(200);
    const today: string = String(b.body.receivedAt).slice(0, 10);
    const res = await stack.http('GET', `/residence/stats?wardCode=00025&from=${today}&to=${today}`, { token: officer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 2, resolved: 1, resolvedOnTime: 1, resolvedLate: 0, pending: 1, overdue: 0 });
  });
});
