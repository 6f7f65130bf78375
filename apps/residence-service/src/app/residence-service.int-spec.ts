import { RPC, type Address, type ResidenceStats, type RpcReply } from '@d06/contracts';
import { randomUUID } from 'node:crypto';
import { ManualClock, eventually } from '@d06/testing';
import { citizenRegistered, nextPersonalId, startResidenceHarness, type ResidenceHarness } from '../testing/residence-harness';
import type { DossierResponse } from './dossiers/dossier-view';

jest.setTimeout(120_000);

const DAK_LAK: Address = { provinceCode: '66', wardCode: '22015', detail: '12 Lê Duẩn' };
const BA_DINH: Address = { provinceCode: '01', wardCode: '00004', detail: '1 Phan Đình Phùng' };
const NGOC_HA: Address = { provinceCode: '01', wardCode: '00008', detail: '5 Đội Cấn' };
const GIANG_VO: Address = { provinceCode: '01', wardCode: '00025', detail: '7 Giảng Võ' };

function body<T>(reply: RpcReply<T>): T {
  if (!reply.ok) throw new Error(`expected success, got ${JSON.stringify(reply.error)}`);
  return reply.body;
}

describe('residence service (in-process, real Postgres and Kafka)', () => {
  const clock = new ManualClock('2026-02-09T09:00:00+07:00');
  let h: ResidenceHarness;

  beforeAll(async () => {
    h = await startResidenceHarness('residence_int', clock);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  const submit = (payload: Record<string, unknown>) =>
    h.call<DossierResponse>(RPC.residence.submitDossier, payload, { key: String(payload['applicantId']) });
  const decide = (dossierId: string, outcome: 'APPROVED' | 'REJECTED', reason?: string) =>
    h.call<DossierResponse>(RPC.residence.decideDossier, { dossierId, outcome, reason: reason ?? null }, { clientId: 'officer', key: dossierId });
  const get = (dossierId: string) => h.call<DossierResponse>(RPC.residence.getDossier, { dossierId });
  const stats = (wardCode: string, from: string, to: string) => h.call<ResidenceStats>(RPC.residence.getStats, { wardCode, from, to });

  /** Registers a citizen through identity.events and waits until the service knows them. */
  async function knownCitizen(permanentAddress: Address | null = DAK_LAK): Promise<string> {
    const personalId = nextPersonalId();
    await h.publishIdentity({ event: citizenRegistered(personalId, permanentAddress), streamVersion: 1 });
    await eventually(async () => (await h.sql('SELECT 1 FROM known_citizens WHERE personal_id = $1', [personalId])).length === 1, {
      what: `citizen ${personalId} known`,
    });
    return personalId;
  }

  it('given an applicant unknown to the service, when submitting, then 422 APPLICANT_NOT_FOUND; once registered, then 201', async () => {
    const personalId = nextPersonalId();
    const payload = { procedure: 'PERMANENT_REGISTRATION', applicantId: personalId, address: BA_DINH, reason: 'về ở với gia đình' };
    const refused = await submit(payload);
    expect(refused).toEqual({ ok: false, error: { code: 'APPLICANT_NOT_FOUND', message: expect.any(String) } });

    await h.publishIdentity({ event: citizenRegistered(personalId, DAK_LAK), streamVersion: 1 });
    const reply = await eventually(async () => {
      const r = await submit(payload);
      return r.ok ? r : undefined;
    }, { what: 'the submission to be accepted' });
    expect(reply).toMatchObject({ ok: true, status: 201 });
    const dossier = body(reply);
    expect(dossier).toMatchObject({
      procedure: 'PERMANENT_REGISTRATION',
      applicantId: personalId,
      status: 'RECEIVED',
      address: BA_DINH,
      wardCode: BA_DINH.wardCode,
      reason: 'về ở với gia đình',
      receivedAt: '2026-02-09T09:00:00.000+07:00',
      // Monday 9 Feb + 7 working days, Tết (16-20 Feb) excluded.
      dueDate: '2026-02-25',
      late: false,
      history: [{ status: 'RECEIVED', at: '2026-02-09T09:00:00.000+07:00', by: 'portal' }],
    });
    expect(dossier.dossierId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given a submission already stored, when the same request is retried, then the same dossier comes back and its stream holds one event', async () => {
    const personalId = await knownCitizen();
    const payload = { procedure: 'TEMPORARY_REGISTRATION', applicantId: personalId, address: BA_DINH, endDate: '2027-02-10' };
    const requestId = randomUUID();
    const first = await h.call<DossierResponse>(RPC.residence.submitDossier, payload, { key: personalId, requestId });
    const retry = await h.call<DossierResponse>(RPC.residence.submitDossier, payload, { key: personalId, requestId });
    expect(first).toMatchObject({ ok: true, status: 201 });
    expect(retry).toEqual(first);
    const events = await h.sql('SELECT type FROM events WHERE stream_id = $1', [body(first).dossierId]);
    expect(events).toEqual([{ type: 'DossierReceived' }]);
  });

  it('given a received dossier, when approved, then 200 with its history and the approval carries the residence effect', async () => {
    const personalId = await knownCitizen();
    clock.set('2026-02-10T08:30:00+07:00');
    const received = body(await submit({ procedure: 'TEMPORARY_REGISTRATION', applicantId: personalId, address: NGOC_HA, endDate: '2027-02-10' }));
    expect(received).toMatchObject({ startDate: '2026-02-10', endDate: '2027-02-10', dueDate: '2026-02-13' });

    clock.set('2026-02-12T15:00:00+07:00');
    const approved = await decide(received.dossierId, 'APPROVED');
    expect(approved).toMatchObject({ ok: true, status: 200 });
    expect(body(approved)).toMatchObject({
      status: 'APPROVED',
      decidedAt: '2026-02-12T15:00:00.000+07:00',
      decidedBy: 'officer',
      late: false,
      history: [
        { status: 'RECEIVED', at: '2026-02-10T08:30:00.000+07:00', by: 'portal' },
        { status: 'APPROVED', at: '2026-02-12T15:00:00.000+07:00', by: 'officer' },
      ],
    });
    expect(body(await get(received.dossierId))).toEqual(body(approved));

    const stream = body(await h.call<{ service: string; streamId: string; events: { type: string; data: Record<string, unknown> }[] }>(
      RPC.residence.getStream,
      { streamId: received.dossierId },
      { clientId: 'operator' },
    ));
    expect(stream.service).toBe('residence');
    expect(stream.events.map((e) => e.type)).toEqual(['DossierReceived', 'DossierApproved']);
    expect(stream.events[1].data['residenceEffect']).toEqual({ kind: 'TEMPORARY', address: NGOC_HA, validUntil: '2027-02-10' });

    // The relay publishes both, keyed by the dossier, hashed and chained (what identity consumes).
    const onKafka = await eventually(() => {
      const mine = h.published.filter((e) => e.streamId === received.dossierId);
      return mine.length === 2 ? mine : undefined;
    }, { what: 'the dossier events on residence.events' });
    expect(onKafka.map((e) => [e.type, e.streamVersion, e.actor.clientId])).toEqual([
      ['DossierReceived', 1, 'portal'],
      ['DossierApproved', 2, 'officer'],
    ]);
    expect(onKafka[1].data).toMatchObject({ applicantId: personalId, late: false, decidedBy: 'officer' });
    expect(h.unreadable).toEqual([]);
  });

  it('given a received dossier, when rejected without a reason, then 400 VALIDATION_FAILED; with one, then REJECTED with the reason', async () => {
    const personalId = await knownCitizen();
    const received = body(await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId, reason: 'đi công tác' }));
    const noReason = await decide(received.dossierId, 'REJECTED');
    expect(noReason).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), errors: [{ field: 'reason', message: expect.any(String) }] },
    });
    const rejected = body(await decide(received.dossierId, 'REJECTED', 'thiếu giấy tờ'));
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'đi công tác', rejectionReason: 'thiếu giấy tờ' });
  });

  it('given a decided dossier, when decided again, then 409 ALREADY_DECIDED and nothing changes', async () => {
    const personalId = await knownCitizen();
    const received = body(await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId }));
    body(await decide(received.dossierId, 'APPROVED'));
    const again = await decide(received.dossierId, 'REJECTED', 'đổi ý');
    expect(again).toEqual({ ok: false, error: { code: 'ALREADY_DECIDED', message: expect.any(String) } });
    expect(body(await get(received.dossierId))).toMatchObject({ status: 'APPROVED', version: 2 });
  });

  it('given a decision already stored, when the same request is retried, then 200 with the dossier; another request still gets 409', async () => {
    const personalId = await knownCitizen();
    const received = body(await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId }));
    const requestId = `decide-${received.dossierId}`;
    const decideOnce = () =>
      h.call<DossierResponse>(RPC.residence.decideDossier, { dossierId: received.dossierId, outcome: 'APPROVED', reason: null }, { clientId: 'officer', key: received.dossierId, requestId });
    // The first attempt is stored; its answer is lost (the gateway had given up).
    body(await decideOnce());
    const retry = body(await decideOnce());
    expect(retry).toMatchObject({ dossierId: received.dossierId, status: 'APPROVED', version: 2 });
    const other = await h.call(RPC.residence.decideDossier, { dossierId: received.dossierId, outcome: 'APPROVED', reason: null }, { clientId: 'officer', key: received.dossierId, requestId: `${requestId}-other` });
    expect(other).toEqual({ ok: false, error: { code: 'ALREADY_DECIDED', message: expect.any(String) } });
    const stream = body(await h.call<{ events: { type: string }[] }>(RPC.residence.getStream, { streamId: received.dossierId }));
    expect(stream.events.map((e) => e.type)).toEqual(['DossierReceived', 'DossierApproved']);
  });

  it('given no such dossier, when read or decided, then NOT_FOUND; given malformed payloads, then VALIDATION_FAILED', async () => {
    const missing = '0b5d7d2e-1111-4a4a-8b8b-123456789abc';
    expect(await get(missing)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await decide(missing, 'APPROVED')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.call(RPC.residence.getStream, { streamId: missing })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await get('not-a-uuid')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', errors: [{ field: 'dossierId' }] } });
    const bad = await submit({ procedure: 'PERMANENT_REGISTRATION', applicantId: '123', address: { provinceCode: '01', wardCode: '22015', detail: 'x' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(bad.ok ? [] : bad.error.errors?.map((e) => e.field)).toEqual(['applicantId', 'address.wardCode']);
    expect(await stats('99999', '2026-02-01', '2026-01-01')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('given a deceased applicant, when submitting, then 422 APPLICANT_DECEASED', async () => {
    const personalId = await knownCitizen();
    await h.publishIdentity({
      event: { type: 'CitizenDied', data: { personalId, dateOfDeath: '2026-02-01', recordedAt: '2026-02-02T10:00:00+07:00' } },
      streamVersion: 2,
    });
    await eventually(async () => (await h.sql<{ status: string }>('SELECT status FROM known_citizens WHERE personal_id = $1', [personalId]))[0]?.status === 'DECEASED', {
      what: 'the death to reach the service',
    });
    expect(await submit({ procedure: 'ABSENCE_DECLARATION', applicantId: personalId })).toEqual({
      ok: false,
      error: { code: 'APPLICANT_DECEASED', message: expect.any(String) },
    });
  });

  it('given residence changes from identity, then deregistration follows what the citizen holds, and redelivered events change nothing', async () => {
    const personalId = await knownCitizen(null);
    expect(await submit({ procedure: 'TEMPORARY_DEREGISTRATION', applicantId: personalId })).toMatchObject({
      ok: false,
      error: { code: 'NO_RESIDENCE_TO_DEREGISTER' },
    });
    const [registered] = await h.sql<{ version: number }>('SELECT version FROM known_citizens WHERE personal_id = $1', [personalId]);
    expect(registered.version).toBe(1);
    const changes = await h.publishIdentity(
      {
        event: {
          type: 'CitizenResidenceChanged',
          data: { personalId, kind: 'TEMPORARY', address: GIANG_VO, validUntil: '2026-12-31', dossierId: '0b5d7d2e-2222-4a4a-8b8b-123456789abc', procedure: 'TEMPORARY_REGISTRATION', changedAt: '2026-02-09T10:00:00+07:00' },
        },
        streamVersion: 2,
      },
      { event: { type: 'CitizenDetailsCorrected', data: { personalId, changes: { fullName: 'Nguyễn Văn Bình' }, correctedAt: '2026-02-09T11:00:00+07:00' } }, streamVersion: 3 },
    );
    const rowOf = async () => (await h.sql('SELECT * FROM known_citizens WHERE personal_id = $1', [personalId]))[0];
    await eventually(async () => (await rowOf())?.['version'] === 3, { what: 'the changes to be applied' });
    const after = await rowOf();
    expect(after).toMatchObject({ status: 'ALIVE', permanent_address: null, temporary_address: GIANG_VO });

    // The same envelopes again, and an older version under a new event id, then a newer event
    // of the same citizen (same key, same partition: handled after them) as a barrier.
    await h.republish(...changes);
    await h.publishIdentity({ event: citizenRegistered(personalId, BA_DINH), streamVersion: 1 });
    await h.publishIdentity({ event: { type: 'CitizenDetailsCorrected', data: { personalId, changes: { gender: 'MALE' }, correctedAt: '2026-02-09T12:00:00+07:00' } }, streamVersion: 4 });
    await eventually(async () => (await rowOf())?.['version'] === 4, { what: 'the barrier event to be applied' });
    expect(await rowOf()).toEqual({ ...after, version: 4 });
    const [processed] = await h.sql<{ n: string }>('SELECT count(*) AS n FROM processed_events WHERE event_id = ANY($1::uuid[])', [changes.map((c) => c.eventId)]);
    expect(Number(processed.n)).toBe(2);

    const received = body(await submit({ procedure: 'TEMPORARY_DEREGISTRATION', applicantId: personalId }));
    // No address given: the dossier counts in no ward (the applicant has no permanent address).
    expect(received).toMatchObject({ status: 'RECEIVED', address: null, wardCode: null });
  });

  it('given a mixed batch over a week, then the ward stats add up: on time, late, pending, overdue', async () => {
    const W = GIANG_VO.wardCode;
    const OTHER = NGOC_HA.wardCode;
    const applicant = await knownCitizen(GIANG_VO);
    const absence = () => submit({ procedure: 'ABSENCE_DECLARATION', applicantId: applicant });

    clock.set('2026-03-01T23:30:00+07:00'); // Sunday: received on 1 March, due Tuesday 3 March
    const d7 = body(await absence());
    expect(d7.dueDate).toBe('2026-03-03');

    clock.set('2026-03-02T09:00:00+07:00'); // Monday
    const d1 = body(await absence());
    const d2 = body(await absence());
    const d3 = body(await absence());
    const d4 = body(await submit({ procedure: 'PERMANENT_REGISTRATION', applicantId: applicant, address: GIANG_VO }));
    body(await submit({ procedure: 'PERMANENT_REGISTRATION', applicantId: applicant, address: NGOC_HA }));
    expect([d1.dueDate, d4.dueDate]).toEqual(['2026-03-03', '2026-03-11']);

    clock.set('2026-03-03T09:00:00+07:00');
    const d5 = body(await absence()); // due 4 March
    clock.set('2026-03-03T10:00:00+07:00');
    expect(body(await decide(d1.dossierId, 'APPROVED')).late).toBe(false);
    clock.set('2026-03-04T10:00:00+07:00');
    expect(body(await decide(d2.dossierId, 'APPROVED')).late).toBe(true);
    expect(body(await decide(d5.dossierId, 'REJECTED', 'không đủ điều kiện')).late).toBe(false);

    clock.set('2026-03-05T10:00:00+07:00');
    expect(body(await stats(W, '2026-03-02', '2026-03-04'))).toEqual({ received: 5, resolved: 3, resolvedOnTime: 2, resolvedLate: 1, pending: 2, overdue: 1 });
    expect(body(await stats(W, '2026-03-01', '2026-03-01'))).toEqual({ received: 1, resolved: 0, resolvedOnTime: 0, resolvedLate: 0, pending: 1, overdue: 1 });
    expect(body(await stats(W, '2026-03-03', '2026-03-03'))).toEqual({ received: 1, resolved: 1, resolvedOnTime: 1, resolvedLate: 0, pending: 0, overdue: 0 });
    expect(body(await stats(OTHER, '2026-03-02', '2026-03-02'))).toMatchObject({ received: 1, pending: 1, overdue: 0 });
    const all = body(await stats(W, '2026-03-01', '2026-03-31'));
    expect(all.received).toBe(all.resolved + all.pending);
    expect(all).toEqual({ received: 6, resolved: 3, resolvedOnTime: 2, resolvedLate: 1, pending: 3, overdue: 2 });
    expect(body(await get(d3.dossierId)).late).toBe(true);
    expect(body(await get(d4.dossierId)).late).toBe(false);

    // Later, the permanent registration is overdue too (due 11 March).
    clock.set('2026-03-12T08:00:00+07:00');
    expect(body(await stats(W, '2026-03-01', '2026-03-31'))).toMatchObject({ pending: 3, overdue: 3 });
    expect(body(await get(d4.dossierId)).late).toBe(true);
  });
});

