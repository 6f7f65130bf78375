import type { EntityManager } from 'typeorm';
import { assertNever, type DossierApprovedData, type DossierReceivedData, type DossierRejectedData, type ResidenceEvent } from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';
import { localDateOfInstant } from './local-time';
import { firstRow, rows } from './sql';

export const WARD_STATS_PROJECTION = 'residence_ward_stats';

type Counter = 'received' | 'resolvedOnTime' | 'resolvedLate';

interface DayCounts {
  ward: string;
  day: string;
  received: number;
  resolvedOnTime: number;
  resolvedLate: number;
}

/** What a batch adds to the daily counters, per (ward, day). */
class CounterDeltas {
  private readonly byKey = new Map<string, DayCounts>();

  add(ward: string, day: string, counter: Counter): void {
    const key = `${ward}|${day}`;
    let counts = this.byKey.get(key);
    if (!counts) {
      counts = { ward, day, received: 0, resolvedOnTime: 0, resolvedLate: 0 };
      this.byKey.set(key, counts);
    }
    counts[counter] += 1;
  }

  /**
   * One upsert for the whole batch, rows in (ward, day) order. Transactions that update the
   * same counter rows then lock them in the same order and cannot deadlock: per-event updates
   * in event order did, once appends of several requests began sharing a transaction.
   */
  async flush(manager: EntityManager): Promise<void> {
    if (this.byKey.size === 0) return;
    // Any fixed order will do, as long as every transaction uses the same one: the keys' order.
    const all = [...this.byKey.keys()].sort().map((key) => this.byKey.get(key) as DayCounts);
    await rows(
      manager,
      `INSERT INTO ward_daily_stats (ward_code, day, received, resolved_on_time, resolved_late)
       SELECT * FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[])
       ON CONFLICT (ward_code, day) DO UPDATE SET
         received = ward_daily_stats.received + EXCLUDED.received,
         resolved_on_time = ward_daily_stats.resolved_on_time + EXCLUDED.resolved_on_time,
         resolved_late = ward_daily_stats.resolved_late + EXCLUDED.resolved_late`,
      [all.map((c) => c.ward), all.map((c) => c.day), all.map((c) => c.received), all.map((c) => c.resolvedOnTime), all.map((c) => c.resolvedLate)],
    );
  }
}

async function received(event: RecordedEvent<string, DossierReceivedData>, manager: EntityManager, counters: CounterDeltas): Promise<void> {
  const d = event.data;
  const claimed = await rows(
    manager,
    `INSERT INTO ward_stats_dossiers (dossier_id, ward_code, version) VALUES ($1, $2, $3)
     ON CONFLICT (dossier_id) DO NOTHING RETURNING 1`,
    [d.dossierId, d.wardCode, event.streamVersion],
  );
  if (claimed.length === 0 || d.wardCode === null) return;
  const day = localDateOfInstant(d.receivedAt);
  counters.add(d.wardCode, day, 'received');
  await rows(
    manager,
    `INSERT INTO open_dossiers (dossier_id, ward_code, received_day, due_date) VALUES ($1, $2, $3, $4)
     ON CONFLICT (dossier_id) DO NOTHING`,
    [d.dossierId, d.wardCode, day, d.dueDate],
  );
}

async function decided(
  event: RecordedEvent<string, DossierApprovedData | DossierRejectedData>,
  manager: EntityManager,
  counters: CounterDeltas,
): Promise<void> {
  const d = event.data;
  // The decision event does not carry the ward: the receipt's ward, remembered here, is the one
  // the dossier was counted in, whatever the applicant's address has become since.
  const claimed = await firstRow<{ ward_code: string | null }>(
    manager,
    `UPDATE ward_stats_dossiers SET version = $2 WHERE dossier_id = $1 AND version < $2 RETURNING ward_code`,
    [d.dossierId, event.streamVersion],
  );
  if (!claimed) return;
  await rows(manager, 'DELETE FROM open_dossiers WHERE dossier_id = $1', [d.dossierId]);
  if (claimed.ward_code === null) return;
  counters.add(claimed.ward_code, localDateOfInstant(d.decidedAt), d.late ? 'resolvedLate' : 'resolvedOnTime');
}

/**
 * Per-ward figures of CONTRACT.md §2.4, kept as counters so that the stats query never scans
 * dossiers: `ward_daily_stats` counts receipts on the receipt's local date and decisions (on
 * time or late) on the decision's local date; `open_dossiers` holds the undecided ones with
 * their due date, for `pending` and `overdue` (which depend on the time asked). A dossier
 * without a ward (no address, applicant without a permanent one) counts in no ward. The
 * counters of a batch (one append, a group commit, or a replay batch) are added at its end.
 */
export const wardStatsProjection = defineProjection<ResidenceEvent>({
  name: WARD_STATS_PROJECTION,
  tables: ['ward_daily_stats', 'open_dossiers', 'ward_stats_dossiers'],
  eventTypes: ['DossierReceived', 'DossierApproved', 'DossierRejected'],
  applyBatch: async (events, manager) => {
    const counters = new CounterDeltas();
    for (const event of events) {
      switch (event.type) {
        case 'DossierReceived':
          await received(event as RecordedEvent<string, DossierReceivedData>, manager, counters);
          break;
        case 'DossierApproved':
        case 'DossierRejected':
          await decided(event as RecordedEvent<string, DossierApprovedData | DossierRejectedData>, manager, counters);
          break;
        default:
          assertNever(event.type, 'residence event type');
      }
    }
    await counters.flush(manager);
  },
});
