import { randomUUID } from 'node:crypto';
import { formatLocalInstant, foreignGuestDueBy, vietnameseGuestDueBy } from '@d06/lodging-domain';
import { eventually, startTestStack, type TestStack } from '@d06/testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are inspected as JSON */

const ADDRESS = { provinceCode: '01', wardCode: '00025', detail: '5 Giảng Võ' };
const HOUR = 3_600_000;

/** A local RFC 3339 time `offsetMs` from now (the stack runs on the real clock). */
const at = (offsetMs: number) => formatLocalInstant(Math.floor((Date.now() + offsetMs) / 1000) * 1000);

/**
 * CONTRACT.md §2.5 through the gateway's HTTP API: the four built apps as processes on the real
 * broker and Postgres. Each row of the table with its answers and error codes.
 */
describe('lodging notices through the gateway (CONTRACT.md §2.5)', () => {
  let stack: TestStack;
  let portal: string;
  let officer: string;

  const establishment = async (address = ADDRESS): Promise<string> => {
    const res = await stack.http('POST', '/lodging/establishments', { token: portal, body: { name: 'Khách sạn Giảng Võ', kind: 'HOTEL', address } });
    expect(res.status).toBe(201);
    return res.body.establishmentId;
  };
  const notice = (body: unknown, headers: Record<string, string> = {}) => stack.http('POST', '/lodging/notices', { token: portal, body, headers });

  beforeAll(async () => {
    stack = await startTestStack({ label: 'lodging_e2e' });
    portal = await stack.token('portal');
    officer = await stack.token('officer');
  }, 150_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  describe('POST /lodging/establishments', () => {
    it('given lodging:submit, when an establishment is registered, then 201 with its id and details', async () => {
      const res = await stack.http('POST', '/lodging/establishments', { token: portal, body: { name: 'Homestay Hồ Tây', kind: 'HOMESTAY', address: ADDRESS } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Homestay Hồ Tây', kind: 'HOMESTAY', address: ADDRESS });
      expect(res.body.establishmentId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('given a ward outside the province, an unknown kind, no token or the wrong scope, then 400, 400, 401, 403', async () => {
      const bad = await stack.http('POST', '/lodging/establishments', { token: portal, body: { name: 'X', kind: 'HOTEL', address: { ...ADDRESS, provinceCode: '66' } } });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(bad.body.errors.map((e: any) => e.field)).toContain('address.wardCode');
      expect((await stack.http('POST', '/lodging/establishments', { token: portal, body: { name: 'X', kind: 'CASTLE', address: ADDRESS } })).status).toBe(400);
      expect((await stack.http('POST', '/lodging/establishments', { body: { name: 'X', kind: 'HOTEL', address: ADDRESS } })).status).toBe(401);
      expect((await stack.http('POST', '/lodging/establishments', { token: officer, body: { name: 'X', kind: 'HOTEL', address: ADDRESS } })).status).toBe(403);
    });
  });

  describe('POST /lodging/notices', () => {
    it('given a Vietnamese and a foreign guest, then 201 with deadlines per guest, the earliest as the notice deadline, and verified flags', async () => {
      const establishmentId = await establishment();
      const arrivalAt = at(-2 * HOUR);
      const res = await notice({
        establishmentId,
        arrivalAt,
        room: '101',
        guests: [{ personalId: '001090012345' }, { passportNumber: 'C1234567', nationality: 'FRA', fullName: 'Marie Dupont', dateOfBirth: '1988-11-03' }],
      });
      expect(res.status).toBe(201);
      const vnDue = vietnameseGuestDueBy(arrivalAt);
      const foreignDue = foreignGuestDueBy(arrivalAt);
      const dueBy = Date.parse(vnDue) < Date.parse(foreignDue) ? vnDue : foreignDue;
      expect(res.body).toMatchObject({
        establishmentId,
        arrivalAt,
        dueBy,
        late: Date.parse(res.body.receivedAt) > Date.parse(dueBy),
        guests: [
          { guestNo: 1, personalId: '001090012345', nationality: 'VNM', dueBy: vnDue, verified: false },
          { guestNo: 2, passportNumber: 'C1234567', nationality: 'FRA', dueBy: foreignDue, verified: false },
        ],
      });
      expect(res.body.noticeId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('given an arrival more than 1 h ahead, 201 guests, none, or a guest with both identities, then 400 each', async () => {
      const establishmentId = await establishment();
      const future = await notice({ establishmentId, arrivalAt: at(HOUR + 5 * 60_000), guests: [{ personalId: '001090012345' }] });
      expect(future.status).toBe(400);
      expect(future.body.errors.map((e: any) => e.field)).toContain('arrivalAt');
      const many = Array.from({ length: 201 }, (_, i) => ({ passportNumber: `P${1_000_000 + i}`, nationality: 'KOR', fullName: `G ${i}`, dateOfBirth: '1990-01-01' }));
      expect((await notice({ establishmentId, arrivalAt: at(-HOUR), guests: many })).status).toBe(400);
      expect((await notice({ establishmentId, arrivalAt: at(-HOUR), guests: [] })).status).toBe(400);
      expect((await notice({ establishmentId, arrivalAt: at(-HOUR), guests: [{ personalId: '001090012345', passportNumber: 'C1234567' }] })).status).toBe(400);
    });

    it('given an establishment nobody registered, then 422 UNKNOWN_ESTABLISHMENT', async () => {
      const res = await notice({ establishmentId: randomUUID(), arrivalAt: at(-HOUR), guests: [{ personalId: '001090012345' }] });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ status: 422, code: 'UNKNOWN_ESTABLISHMENT' });
    });

    it('given the same Idempotency-Key and body twice, then the first 201 comes back and one notice exists', async () => {
      const establishmentId = await establishment();
      const body = { establishmentId, arrivalAt: at(-HOUR), guests: [{ personalId: '001090054321' }] };
      const key = `lodging-e2e-${randomUUID()}`;
      const first = await notice(body, { 'Idempotency-Key': key });
      const second = await notice(body, { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      const guests = await stack.http('GET', `/lodging/establishments/${establishmentId}/guests`, { token: portal });
      expect(guests.body.guests).toHaveLength(1);
    });

    it('given a 200-guest notice, then 201 and it is a single event', async () => {
      const establishmentId = await establishment();
      const guests = Array.from({ length: 200 }, (_, i) => ({ passportNumber: `H${1_000_000 + i}`, nationality: 'CHN', fullName: `Khách ${i}`, dateOfBirth: '1975-05-05' }));
      const res = await notice({ establishmentId, arrivalAt: at(-HOUR), guests });
      expect(res.status).toBe(201);
      expect(res.body.guests).toHaveLength(200);
      const rows = await stack.query<{ n: number }>('lodging-service', 'SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [res.body.noticeId]);
      expect(rows).toEqual([{ n: 1 }]);
    });

    it('given a citizen registered in the identity service a moment before, then once the event arrives the guest is verified; after their death, not', async () => {
      const personalId = '079190000777';
      const registered = await stack.http('POST', '/citizens', { token: officer, body: { personalId, fullName: 'Võ Thị Sáu', dateOfBirth: '1990-03-08', gender: 'FEMALE' } });
      expect(registered.status).toBe(201);
      await eventually(async () => (await stack.query('lodging-service', 'SELECT 1 FROM known_citizens WHERE personal_id = $1', [personalId])).length > 0, {
        timeoutMs: 15_000,
        what: 'the citizen known to the lodging service',
      });
      const establishmentId = await establishment();
      const verified = await notice({ establishmentId, arrivalAt: at(-HOUR), guests: [{ personalId, fullName: 'võ thị  sáu', dateOfBirth: '1990-03-08' }] });
      expect(verified.status).toBe(201);
      expect(verified.body.guests[0]).toMatchObject({ personalId, verified: true });

      expect((await stack.http('POST', `/citizens/${personalId}/death`, { token: officer, body: { dateOfDeath: '2026-01-02' } })).status).toBe(200);
      await eventually(
        async () => (await stack.query<{ status: string }>('lodging-service', 'SELECT status FROM known_citizens WHERE personal_id = $1', [personalId]))[0]?.status === 'DECEASED',
        { timeoutMs: 15_000, what: 'the death known to the lodging service' },
      );
      const deceased = await notice({ establishmentId, arrivalAt: at(-HOUR), guests: [{ personalId }] });
      expect(deceased.status).toBe(201);
      expect(deceased.body.guests[0]).toMatchObject({ personalId, verified: false });
    }, 60_000);
  });

  describe('POST /lodging/notices/{noticeId}/departure and GET /lodging/establishments/{id}/guests', () => {
    it('given a notice, then its guests stay; after the departure (200) nobody does; again is 409; before arrival is 422; unknown is 404', async () => {
      const establishmentId = await establishment();
      const arrivalAt = at(-3 * HOUR);
      const created = await notice({ establishmentId, arrivalAt, room: '7', guests: [{ personalId: '001090012399' }, { passportNumber: 'X1234567', nationality: 'USA', fullName: 'John Roe', dateOfBirth: '1970-07-07' }] });
      expect(created.status).toBe(201);
      const noticeId = created.body.noticeId;

      const staying = await stack.http('GET', `/lodging/establishments/${establishmentId}/guests`, { token: officer });
      expect(staying.status).toBe(200);
      expect(staying.body).toMatchObject({
        establishmentId,
        guests: [
          { noticeId, guestNo: 1, personalId: '001090012399', nationality: 'VNM', arrivalAt, room: '7', verified: false },
          { noticeId, guestNo: 2, passportNumber: 'X1234567', nationality: 'USA', fullName: 'John Roe', arrivalAt, room: '7', verified: false },
        ],
      });

      const before = await stack.http('POST', `/lodging/notices/${noticeId}/departure`, { token: portal, body: { departedAt: at(-4 * HOUR) } });
      expect(before.status).toBe(422);
      expect(before.body.code).toBe('DEPARTURE_BEFORE_ARRIVAL');

      const departedAt = at(-HOUR);
      const departed = await stack.http('POST', `/lodging/notices/${noticeId}/departure`, { token: portal, body: { departedAt } });
      expect(departed.status).toBe(200);
      expect(departed.body).toMatchObject({ noticeId, departedAt });
      expect((await stack.http('GET', `/lodging/establishments/${establishmentId}/guests`, { token: portal })).body.guests).toEqual([]);

      const again = await stack.http('POST', `/lodging/notices/${noticeId}/departure`, { token: portal, body: { departedAt } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_DEPARTED');

      expect((await stack.http('POST', `/lodging/notices/${randomUUID()}/departure`, { token: portal, body: { departedAt } })).status).toBe(404);
      expect((await stack.http('POST', `/lodging/notices/${noticeId}/departure`, { token: portal, body: { departedAt: 'soon' } })).status).toBe(400);
    });

    it('given an unknown establishment, a malformed id or no lodging:read, then 404, 400, 403', async () => {
      expect((await stack.http('GET', `/lodging/establishments/${randomUUID()}/guests`, { token: portal })).status).toBe(404);
      expect((await stack.http('GET', '/lodging/establishments/not-a-uuid/guests', { token: portal })).status).toBe(400);
      const agency = await stack.token('agency');
      expect((await stack.http('GET', `/lodging/establishments/${randomUUID()}/guests`, { token: agency })).status).toBe(403);
    });
  });

  describe('GET /lodging/stats', () => {
    it('given notices in a ward, then notices, guests, foreign guests and late add up for the local arrival dates; bad queries are 400', async () => {
      const ward = { provinceCode: '01', wardCode: '00008', detail: '9 Ngọc Hà' };
      const establishmentId = await establishment(ward);
      const arrivals = [at(-HOUR), at(-HOUR - 60_000)];
      const bodies = [];
      for (const [i, arrivalAt] of arrivals.entries()) {
        const res = await notice({ establishmentId, arrivalAt, guests: [{ personalId: `00109001${String(i).padStart(4, '0')}` }, { passportNumber: `S${1_000_000 + i}`, nationality: 'SGP', fullName: `S ${i}`, dateOfBirth: '1999-09-09' }] });
        expect(res.status).toBe(201);
        bodies.push(res.body);
      }
      const days = arrivals.map((a) => a.slice(0, 10)).sort();
      const res = await stack.http('GET', `/lodging/stats?wardCode=${ward.wardCode}&from=${days[0]}&to=${days[days.length - 1]}`, { token: officer });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ notices: 2, guests: 4, foreignGuests: 2, late: bodies.filter((b) => b.late).length });

      expect((await stack.http('GET', `/lodging/stats?wardCode=99999&from=${days[0]}&to=${days[0]}`, { token: officer })).status).toBe(400);
      expect((await stack.http('GET', `/lodging/stats?wardCode=${ward.wardCode}&from=2026-03-05&to=2026-03-01`, { token: officer })).status).toBe(400);
    });
  });
});
