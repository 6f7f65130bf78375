import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Address, RequestMeta, ResidenceEvent } from '@d06/contracts';
import { EventStore, installEventStoreSchema, quietLogger, replayProjection, type NewEvent, type RecordedEvent } from '@d06/event-sourcing';
import { createTestDatabase, type TestDatabase } from '@d06/testing';
import { findDossier } from './dossier.query';
import { receivedDossierRecord } from './dossier-details.projection';
import { RESIDENCE_PROJECTIONS } from './residence-projections';
import { RESIDENCE_READ_MODEL_SQL } from './residence-read-model.migration';
import { wardStats } from './ward-stats.query';

jest.setTimeout(60_000);

const W = '00004';
const ADDRESS: Address = { provinceCode: '01', wardCode: W, detail: '1 Phan Đình Phùng' };
const portal: RequestMeta = { correlationId: 'c-portal', actor: { clientId: 'portal' } };
const officer: RequestMeta = { correlationId: 'c-officer', actor: { clientId: 'officer', subject: 'cb-0042' } };

function received(dossierId: string, receivedAt: string, dueDate: string, wardCode: string | null = W): NewEvent<ResidenceEvent['type']> {
  return {
    type: 'DossierReceived',
    data: {
      dossierId,
      procedure: 'ABSENCE_DECLARATION',
      applicantId: '066090123456',
      address: wardCode === W ? ADDRESS : null,
      startDate: null,
      endDate: null,
      reason: null,
      wardCode,
      receivedAt,
      dueDate,
    },
  };
}

function approved(dossierId: string, decidedAt: string, late: boolean): NewEvent<ResidenceEvent['type']> {
  return {
    type: 'DossierApproved',
    data: { dossierId, procedure: 'ABSENCE_DECLARATION', applicantId: '066090123456', decidedAt, late, residenceEffect: null, decidedBy: 'cb-0042' },
  };
}

function rejected(dossierId: string, decidedAt: string, late: boolean): NewEvent<ResidenceEvent['type']> {
  return {
    type: 'DossierRejected',
    data: { dossierId, procedure: 'ABSENCE_DECLARATION', applicantId: '066090123456', decidedAt, late, reason: 'thiếu giấy tờ', decidedBy: 'cb-0042' },
  };
}

describe('residence read model (projections on real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: EventStore;
  const ids = Array.from({ length: 5 }, () => randomUUID());

  beforeAll(async () => {
    db = await createTestDatabase('residence_rm');
    ds = await new DataSource({ type: 'postgres', url: db.url, logging: false, extra: { max: 5 } }).initialize();
    await installEventStoreSchema(ds);
    for (const statement of RESIDENCE_READ_MODEL_SQL) await ds.query(statement);
    store = new EventStore({ dataSource: ds, service: 'residence', projections: RESIDENCE_PROJECTIONS, logger: quietLogger });

    const [a, b, c, d, e] = ids;
    await store.append(a, 'no-stream', [received(a, '2026-03-02T09:00:00.000+07:00', '2026-03-03')], { meta: portal });
    await store.append(b, 'no-stream', [received(b, '2026-03-02T09:05:00.000+07:00', '2026-03-03')], { meta: portal });
    await store.append(c, 'no-stream', [received(c, '2026-03-02T23:59:00.000+07:00', '2026-03-03')], { meta: portal });
    await store.append(d, 'no-stream', [received(d, '2026-03-03T08:00:00.000+07:00', '2026-03-04', null)], { meta: portal });
    await store.append(e, 'no-stream', [received(e, '2026-03-02T17:00:00Z', '2026-03-04')], { meta: portal }); // 00:00 on 3 March local
    await store.append(a, 1, [approved(a, '2026-03-03T10:00:00.000+07:00', false)], { meta: officer });
    await store.append(b, 1, [rejected(b, '2026-03-04T10:00:00.000+07:00', true)], { meta: officer });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('given receipts and decisions, then the dossier rows carry status, history and who did what', async () => {
    const [a, b] = ids;
    expect(await findDossier(ds, a)).toMatchObject({
      status: 'APPROVED',
      decidedAt: '2026-03-03T10:00:00.000+07:00',
      decidedBy: 'cb-0042',
      late: false,
      version: 2,
      history: [
        { status: 'RECEIVED', at: '2026-03-02T09:00:00.000+07:00', by: 'portal' },
        { status: 'APPROVED', at: '2026-03-03T10:00:00.000+07:00', by: 'officer' },
      ],
    });
    expect(await findDossier(ds, b)).toMatchObject({ status: 'REJECTED', rejectionReason: 'thiếu giấy tờ', late: true });
    expect(await findDossier(ds, randomUUID())).toBeNull();
  });

  it('given receipts and decisions, then the ward counters answer by local date', async () => {
    expect(await wardStats(ds, { wardCode: W, from: '2026-03-02', to: '2026-03-02', today: '2026-03-05' })).toEqual({
      received: 3, resolved: 0, resolvedOnTime: 0, resolvedLate: 0, pending: 1, overdue: 1,
    });
    expect(await wardStats(ds, { wardCode: W, from: '2026-03-03', to: '2026-03-04', today: '2026-03-04' })).toEqual({
      received: 1, resolved: 2, resolvedOnTime: 1, resolvedLate: 1, pending: 1, overdue: 0,
    });
    expect(await wardStats(ds, { wardCode: '00008', from: '2026-01-01', to: '2026-12-31', today: '2026-03-04' })).toEqual({
      received: 0, resolved: 0, resolvedOnTime: 0, resolvedLate: 0, pending: 0, overdue: 0,
    });
  });

  it('given the same events applied again, then nothing changes (each row remembers its version)', async () => {
    const before = await ds.query('SELECT * FROM ward_daily_stats ORDER BY ward_code, day');
    const dossiersBefore = await ds.query('SELECT * FROM dossiers ORDER BY dossier_id');
    const events: RecordedEvent[] = [];
    for (const id of ids) events.push(...(await store.readStream(id)));
    await ds.transaction(async (manager) => {
      for (const projection of RESIDENCE_PROJECTIONS) await projection.apply(events, manager);
    });
    expect(await ds.query('SELECT * FROM ward_daily_stats ORDER BY ward_code, day')).toEqual(before);
    expect(await ds.query('SELECT * FROM dossiers ORDER BY dossier_id')).toEqual(dossiersBefore);
  });

  it.each(RESIDENCE_PROJECTIONS.map((p) => [p.name, p] as const))('given the live tables, when %s is replayed from the store, then it comes out identical', async (_name, projection) => {
    const result = await replayProjection(ds, store, projection, { requireMatch: true, logger: quietLogger });
    expect(result.swapped).toBe(true);
    expect(result.checksumAfter).toBe(result.checksumBefore);
  });

  it('given a received dossier, when its record is built from the event, then it is the row findDossier reads', async () => {
    const [, , c, d, e] = ids;
    for (const id of [c, d, e]) {
      const [event] = (await store.readStream(id)) as RecordedEvent<string, never>[];
      expect(receivedDossierRecord(event as Parameters<typeof receivedDossierRecord>[0])).toEqual(await findDossier(ds, id));
    }
  });

  it('given receipts and a decision of one of them in one batch, when applied, then the decision lands on the rows the batch inserted', async () => {
    const f = randomUUID();
    const g = randomUUID();
    await store.appendMany(
      [
        { streamId: f, expectedVersion: 'no-stream', events: [received(f, '2026-03-05T09:00:00.000+07:00', '2026-03-06'), approved(f, '2026-03-05T10:00:00.000+07:00', false)] },
        { streamId: g, expectedVersion: 'no-stream', events: [received(g, '2026-03-05T09:30:00.000+07:00', '2026-03-06')] },
      ],
      { meta: portal },
    );
    expect(await findDossier(ds, f)).toMatchObject({ status: 'APPROVED', version: 2, history: [{ status: 'RECEIVED' }, { status: 'APPROVED' }] });
    expect(await findDossier(ds, g)).toMatchObject({ status: 'RECEIVED', version: 1 });
    // The ward figures saw the receipt before the decision: f counted received and resolved, only g open.
    expect(await wardStats(ds, { wardCode: W, from: '2026-03-05', to: '2026-03-05', today: '2026-03-05' })).toMatchObject({ received: 2, resolved: 1, resolvedOnTime: 1, resolvedLate: 0 });
    const open: { dossier_id: string }[] = await ds.query('SELECT dossier_id::text FROM open_dossiers WHERE dossier_id = ANY($1::uuid[])', [[f, g]]);
    expect(open.map((r) => r.dossier_id)).toEqual([g]);
  });
});
