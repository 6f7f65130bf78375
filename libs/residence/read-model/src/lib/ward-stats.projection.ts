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

// A run of receipts in one statement: claim each dossier (a receipt applied before is skipped),
// and open the claimed ones that have a ward. Returns the dossiers claimed.
const RECEIVED_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS r(dossier_id uuid, ward_code text, version integer, received_day date, due_date date)
  ), claimed AS (
    INSERT INTO ward_stats_dossiers (dossier_id, ward_code, version)
    SELECT dossier_id, ward_code, version FROM input
    ON CONFLICT (dossier_id) DO NOTHING
    RETURNING dossier_id
  ), opened AS (
    INSERT INTO open_dossiers (dossier_id, ward_code, received_day, due_date)
    SELECT i.dossier_id, i.ward_code, i.received_day, i.due_date FROM input i JOIN claimed c USING (dossier_id)
     WHERE i.ward_code IS NOT NULL
    ON CONFLICT (dossier_id) DO NOTHING
  )
  SELECT dossier_id::text AS dossier_id FROM claimed`;

async function receivedRun(events: readonly RecordedEvent<string, DossierReceivedData>[], manager: EntityManager, counters: CounterDeltas): Promise<void> {
  if (events.length === 0) return;
  const input = events.map((e) => ({
    dossier_id: e.data.dossierId,
    ward_code: e.data.wardCode,
    version: e.streamVersion,
    received_day: localDateOfInstant(e.data.receivedAt),
    due_date: e.data.dueDate,
  }));
  const claimed = new Set((await rows<{ dossier_id: string }>(manager, RECEIVED_SQL, [JSON.stringify(input)])).map((r) => r.dossier_id.toLowerCase()));
  for (const i of input) {
    if (i.ward_code !== null && claimed.has(i.dossier_id.toLowerCase())) counters.add(i.ward_code, i.received_day, 'received');
  }
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
    // Receipts go in runs (one statement each); a decision first writes the run before it, so
    // it finds its dossier's row.
    let receipts: RecordedEvent<string, DossierReceivedData>[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'DossierReceived':
          receipts.push(event as RecordedEvent<string, DossierReceivedData>);
          break;
        case 'DossierApproved':
        case 'DossierRejected':
          await receivedRun(receipts, manager, counters);
          receipts = [];
          await decided(event as RecordedEvent<string, DossierApprovedData | DossierRejectedData>, manager, counters);
          break;
        default:
          assertNever(event.type, 'residence event type');
      }
    }
    await receivedRun(receipts, manager, counters);
    await counters.flush(manager);
  },
});
