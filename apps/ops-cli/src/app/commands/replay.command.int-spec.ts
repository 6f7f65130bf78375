import { EventPipeline, projectionChecksum, quietLogger, type ReplayResult } from '@d06/event-sourcing';
import type { DossierApprovedData, DossierReceivedData, EstablishmentRegisteredData, NoticeSubmittedData } from '@d06/contracts';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import { LODGING_PROJECTIONS, LODGING_READ_MODEL_MIGRATIONS } from '@d06/lodging-read-model';
import { RESIDENCE_PROJECTIONS, RESIDENCE_READ_MODEL_MIGRATIONS } from '@d06/residence-read-model';
import { eventually } from '@d06/testing';
import {
  accessed,
  address,
  citizen,
  expectCode,
  meta,
  movedPermanently,
  ops,
  opsEnv,
  registered,
  storeFixture,
  testUuid,
  type StoreFixture,
} from '../../testing/ops-test-kit';

jest.setTimeout(90_000);

const REGISTERED = 4000;

/**
 * Replay of the identity service's real read model (IDENTITY_PROJECTIONS: `citizens` and
 * `citizen_access_log`, with their migrations) in a store built by the library, the service's
 * sealer running, while writers keep appending through the inline projections.
 */
describe('replay (identity read model in Postgres)', () => {
  let f: StoreFixture;
  let env: Record<string, string>;
  let pipeline: EventPipeline;
  const mover = citizen(900_001);
  const homeBefore = address(11, 'Số 5 đường Trần Phú');
  const homeAfter = address(12, 'Thôn 3');

  const liveChecksum = async (tables: readonly string[]) => (await projectionChecksum(f.dataSource, 'public', tables)).checksum;

  beforeAll(async () => {
    f = await storeFixture('ops_replay', 'identity', IDENTITY_READ_MODEL_MIGRATIONS, IDENTITY_PROJECTIONS);
    env = opsEnv({ databases: { identity: f.db.name } });
    // The citizen who moves, at known past times: registered on 5 Jan 2025, moved on 1 Mar 2025.
    await f.store.append(mover.personalId, 'no-stream', [registered(mover, '2025-01-05T02:00:00.000Z', homeBefore)], {
      meta: meta(),
      occurredAt: new Date('2025-01-05T02:00:00.000Z'),
    });
    await f.store.append(mover.personalId, 1, [movedPermanently(mover, homeAfter, '2025-03-01T03:00:00.000Z', testUuid(77))], {
      meta: meta('corr-move'),
      occurredAt: new Date('2025-03-01T03:00:00.000Z'),
    });
    for (let batch = 0; batch < REGISTERED / 500; batch++) {
      const people = Array.from({ length: 500 }, (_, i) => citizen(batch * 500 + i + 1));
      await f.store.appendMany(
        people.map((c, i) => ({
          streamId: c.personalId,
          expectedVersion: 'no-stream' as const,
          events: [registered(c, '2026-01-05T02:00:00.000Z', address(i))],
        })),
        { meta: meta() },
      );
    }
    for (let batch = 0; batch < 6; batch++) {
      const numbers = Array.from({ length: 100 }, (_, i) => batch * 100 + i + 1);
      await f.store.appendMany(
        numbers.flatMap((n) => {
          const c = citizen(n * 6);
          return [
            { streamId: c.personalId, expectedVersion: 1, events: [movedPermanently(c, address(n + 3), '2026-02-01T03:00:00.000Z', testUuid(n))] },
            { streamId: `access-${n}`, expectedVersion: 'no-stream' as const, events: [accessed(c, '2026-02-02T03:00:00.000Z', `corr-${n}`)] },
          ];
        }),
        { meta: meta() },
      );
    }
    pipeline = new EventPipeline({ store: f.store, logger: quietLogger, sealer: { batchSize: 5000 } });
    pipeline.start();
    await eventually(async () => (await pipeline.status()).unsealed === 0, { what: 'the seed sealed', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await f?.close();
  });

  it('given writes continuing, when the read model is replayed, then the rebuilt tables equal the live ones (checksums) and are swapped in', async () => {
    let writing = true;
    let written = 0;
    let writtenDuringReplay = 0;
    let replaying = false;
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const fresh = citizen(500_000 + w * 10_000 + i);
        const old = citizen(((w * 997 + i * 13) % REGISTERED) + 1);
        await f.store.append(fresh.personalId, 'no-stream', [registered(fresh, '2026-03-01T02:00:00.000Z', address(i))], { meta: meta() });
        await f.store.append(old.personalId, 'any', [movedPermanently(old, address(w + i), '2026-03-02T02:00:00.000Z', testUuid(w * 100_000 + i))], {
          meta: meta(),
        });
        written += 2;
        if (replaying) writtenDuringReplay += 2;
      }
    });
    await eventually(() => written >= 20, { what: 'writers running' });

    replaying = true;
    const result = await ops(['replay', 'identity', '--batch', '400', '--json'], env);
    replaying = false;
    writing = false;
    await Promise.all(writers);

    expectCode(result, 0);
    const results = JSON.parse(result.stdout) as ReplayResult[];
    expect(results.map((r) => r.projection)).toEqual(['citizens', 'citizen_access_log']);
    for (const r of results) {
      expect(r).toMatchObject({ mode: 'swap', swapped: true });
      expect(r.checksumAfter).toBe(r.checksumBefore);
    }
    expect(results[0].rows).toBeGreaterThan(REGISTERED);
    expect(writtenDuringReplay).toBeGreaterThan(0);

    // Once the writers stopped and all is sealed, the state at the head equals the live tables.
    await eventually(async () => (await pipeline.status()).unsealed === 0, { what: 'writes sealed' });
    const head = (await f.store.head())?.position ?? 0;
    const pit = JSON.parse(expectCode(await ops(['replay', 'identity', '--projection', 'citizens', '--to', String(head), '--json'], env), 0).stdout) as ReplayResult[];
    expect(pit[0]).toMatchObject({ mode: 'point-in-time', schema: `pit_citizens_${head}`, swapped: false });
    expect(pit[0].checksumAfter).toBe(await liveChecksum(['citizens']));
    await f.sql(`DROP SCHEMA pit_citizens_${head} CASCADE`);
  });

  it('given a citizen who moved, when replayed --at a time between, then the separate schema holds the address before the move', async () => {
    const result = expectCode(await ops(['replay', 'identity', '--projection', 'citizens', '--at', '2025-02-01T00:00:00+07:00'], env), 0);
    const schema = /built in schema (\S+)/.exec(result.stdout)?.[1];
    expect(schema).toBe('pit_citizens_20250131170000');
    expect(result.stdout).toContain('citizens: state as of 2025-01-31T17:00:00.000Z (events that occurred at or before it) built in schema pit_citizens_20250131170000');

    const [then] = await f.sql<{ permanent_address: unknown; version: number }>(
      `SELECT permanent_address, version FROM ${schema}.citizens WHERE personal_id = $1`,
      [mover.personalId],
    );
    const [now] = await f.sql<{ permanent_address: unknown }>('SELECT permanent_address FROM citizens WHERE personal_id = $1', [mover.personalId]);
    expect(then).toEqual({ permanent_address: homeBefore, version: 1 });
    expect(now.permanent_address).toEqual(homeAfter);
    // Only what had happened by then: the mover, none of the 2026 registrations.
    const [count] = await f.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.citizens`);
    expect(count.n).toBe(1);
    await f.sql(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('given unsafe requests, when replay is asked, then it refuses with a clear message and touches nothing', async () => {
    const head = (await f.store.head())?.position ?? 0;
    const beyond = expectCode(await ops(['replay', 'identity', '--to', String(head + 1)], env), 2);
    expect(beyond.stderr).toBe(`error [REFUSED]: --to ${head + 1} is beyond the head of the identity store (position ${head}): nothing is there yet\n`);
    const both = expectCode(await ops(['replay', 'identity', '--to', '5', '--at', '2025-02-01T00:00:00Z'], env), 2);
    expect(both.stderr).toContain("error: option '--to <position>' cannot be used with option '--at <time>'");
    const future = expectCode(await ops(['replay', 'identity', '--at', '2999-01-01T00:00:00Z'], env), 2);
    expect(future.stderr).toContain('is in the future');
    const schemas = await f.sql<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name LIKE 'pit_%' OR schema_name LIKE 'replay_%'`);
    expect(schemas[0].n).toBe(0);
  });
});

/**
 * The other two services' read models through the same command: every projection their libs
 * export, over events in the contract's shapes, rebuilt equal to what the inline path wrote.
 */
describe('replay (residence and lodging read models in Postgres)', () => {
  const fixtures: StoreFixture[] = [];

  afterAll(async () => {
    for (const f of fixtures) await f.close();
  });

  it('given dossiers received and decided, when the residence read model is replayed, then identical; --at shows a dossier before its decision', async () => {
    const f = await storeFixture('ops_replay_residence', 'residence', RESIDENCE_READ_MODEL_MIGRATIONS, RESIDENCE_PROJECTIONS);
    fixtures.push(f);
    const env = opsEnv({ databases: { residence: f.db.name } });
    for (let i = 1; i <= 30; i++) {
      const place = address(i);
      const received: DossierReceivedData = {
        dossierId: testUuid(i),
        procedure: 'PERMANENT_REGISTRATION',
        applicantId: citizen(i).personalId,
        address: place,
        startDate: null,
        endDate: null,
        reason: null,
        wardCode: place.wardCode,
        receivedAt: '2025-03-03T02:00:00.000Z',
        dueDate: '2025-03-12',
      };
      await f.store.append(testUuid(i), 'no-stream', [{ type: 'DossierReceived', data: received }], { meta: meta(), occurredAt: new Date(received.receivedAt) });
      if (i % 3 === 0) {
        const approved: DossierApprovedData = {
          dossierId: testUuid(i),
          procedure: 'PERMANENT_REGISTRATION',
          applicantId: citizen(i).personalId,
          decidedAt: '2025-03-10T03:00:00.000Z',
          late: false,
          residenceEffect: { kind: 'PERMANENT', address: place, validUntil: null },
          decidedBy: 'cb-042',
        };
        await f.store.append(testUuid(i), 1, [{ type: 'DossierApproved', data: approved }], { meta: meta(), occurredAt: new Date(approved.decidedAt) });
      }
    }
    await f.seal();

    const results = JSON.parse(expectCode(await ops(['replay', 'residence', '--require-match', '--json'], env), 0).stdout) as ReplayResult[];
    expect(results.map((r) => [r.projection, r.swapped, r.checksumAfter === r.checksumBefore])).toEqual([
      ['residence_dossiers', true, true],
      ['residence_ward_stats', true, true],
    ]);
    const pit = JSON.parse(expectCode(await ops(['replay', 'residence', '--projection', 'dossiers', '--at', '2025-03-05T00:00:00Z', '--json'], env), 0).stdout) as ReplayResult[];
    const [before] = await f.sql<{ status: string }>(`SELECT status FROM ${pit[0].schema}.dossiers WHERE dossier_id = $1`, [testUuid(3)]);
    const [now] = await f.sql<{ status: string }>('SELECT status FROM dossiers WHERE dossier_id = $1', [testUuid(3)]);
    expect([before.status, now.status]).toEqual(['RECEIVED', 'APPROVED']);
  });

  it('given establishments and notices, when the lodging read model is replayed, then identical', async () => {
    const f = await storeFixture('ops_replay_lodging', 'lodging', LODGING_READ_MODEL_MIGRATIONS, LODGING_PROJECTIONS);
    fixtures.push(f);
    const env = opsEnv({ databases: { lodging: f.db.name } });
    for (let e = 1; e <= 3; e++) {
      const registeredData: EstablishmentRegisteredData = { establishmentId: testUuid(100 + e), name: `Khách sạn ${e}`, kind: 'HOTEL', address: address(e), registeredAt: '2026-01-02T02:00:00.000Z' };
      await f.store.append(testUuid(100 + e), 'no-stream', [{ type: 'EstablishmentRegistered', data: registeredData }], { meta: meta() });
      for (let n = 1; n <= 4; n++) {
        const notice: NoticeSubmittedData = {
          noticeId: testUuid(1000 + e * 10 + n),
          establishmentId: testUuid(100 + e),
          wardCode: address(e).wardCode,
          arrivalAt: '2026-01-03T10:00:00.000Z',
          expectedDepartureAt: null,
          room: `${n}0${e}`,
          receivedAt: '2026-01-03T11:00:00.000Z',
          dueBy: '2026-01-03T16:00:00.000Z',
          late: false,
          guests: [
            { guestNo: 1, nationality: 'VNM', personalId: citizen(e * 10 + n).personalId, fullName: null, dateOfBirth: null, dueBy: '2026-01-03T16:00:00.000Z', verified: n % 2 === 0 },
            { guestNo: 2, nationality: 'FRA', passportNumber: `P${e}${n}`, fullName: 'Jeanne Martin', dateOfBirth: '1988-04-02', dueBy: '2026-01-03T22:00:00.000Z', verified: false },
          ],
        };
        await f.store.append(notice.noticeId, 'no-stream', [{ type: 'NoticeSubmitted', data: notice }], { meta: meta() });
      }
    }
    await f.seal();
    const results = JSON.parse(expectCode(await ops(['replay', 'lodging', '--require-match', '--json'], env), 0).stdout) as ReplayResult[];
    expect(results.map((r) => [r.projection, r.swapped, r.checksumAfter === r.checksumBefore, r.rows > 0])).toEqual([
      ['establishments', true, true, true],
      ['notices', true, true, true],
    ]);
  });
});
