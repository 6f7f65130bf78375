import type { EntityManager } from 'typeorm';
import type { DossierApprovedData, DossierReceivedData, DossierRejectedData, ResidenceEvent } from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';
import type { DossierRecord } from './dossier.query';
import { formatLocalInstant } from './local-time';
import { rows } from './sql';

/** One entry of a dossier's history: who moved it to which status, when. */
export interface DossierHistoryEntry {
  status: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  at: string;
  /** The client id of the caller that caused the change (the envelope's actor). */
  by: string;
}

export const DOSSIER_DETAILS_PROJECTION = 'residence_dossiers';

async function decided(
  event: RecordedEvent<string, DossierApprovedData | DossierRejectedData>,
  manager: EntityManager,
  fields: { status: 'APPROVED' | 'REJECTED'; residenceEffect: unknown; rejectionReason: string | null },
): Promise<void> {
  const d = event.data;
  const entry: DossierHistoryEntry = { status: fields.status, at: formatLocalInstant(d.decidedAt), by: event.actor.clientId };
  // `version < $n`: a decision applied once is not applied again (each row remembers its version).
  await rows(
    manager,
    `UPDATE dossiers
        SET status = $2, decided_at = $3, decided_by = $4, late = $5, residence_effect = $6::jsonb,
            rejection_reason = $7, history = history || $8::jsonb, version = $9
      WHERE dossier_id = $1 AND version < $9`,
    [
      d.dossierId,
      fields.status,
      d.decidedAt,
      d.decidedBy ?? event.actor.subject ?? event.actor.clientId,
      d.late,
      fields.residenceEffect === null ? null : JSON.stringify(fields.residenceEffect),
      fields.rejectionReason,
      JSON.stringify([entry]),
      event.streamVersion,
    ],
  );
}

/**
 * The `dossiers` row of a just-received dossier, as findDossier reads it back: what a
 * submission answers without a second round trip. The projection below writes the same values.
 */
export function receivedDossierRecord(event: Pick<RecordedEvent<string, DossierReceivedData>, 'data' | 'actor' | 'streamVersion'>): DossierRecord {
  const d = event.data;
  return {
    dossierId: d.dossierId,
    procedure: d.procedure,
    applicantId: d.applicantId,
    status: 'RECEIVED',
    address: d.address,
    startDate: d.startDate,
    endDate: d.endDate,
    reason: d.reason,
    wardCode: d.wardCode,
    receivedAt: formatLocalInstant(d.receivedAt),
    dueDate: d.dueDate,
    decidedAt: null,
    decidedBy: null,
    late: null,
    rejectionReason: null,
    residenceEffect: null,
    history: [{ status: 'RECEIVED', at: formatLocalInstant(d.receivedAt), by: event.actor.clientId }],
    version: event.streamVersion,
  };
}

// Receipts of a batch in one statement: one row per element of $1.
const INSERT_RECEIVED_SQL = `
  INSERT INTO dossiers (dossier_id, procedure, applicant_id, status, address, start_date, end_date, reason,
                        ward_code, received_at, due_date, history, version)
  SELECT r.dossier_id, r.procedure, r.applicant_id, 'RECEIVED', r.address, r.start_date, r.end_date, r.reason,
         r.ward_code, r.received_at, r.due_date, r.history, r.version
    FROM jsonb_to_recordset($1::jsonb) AS r(dossier_id uuid, procedure text, applicant_id text, address jsonb,
         start_date date, end_date date, reason text, ward_code text, received_at timestamptz, due_date date,
         history jsonb, version integer)
  ON CONFLICT (dossier_id) DO NOTHING`;

async function insertReceived(events: readonly RecordedEvent<string, DossierReceivedData>[], manager: EntityManager): Promise<void> {
  if (events.length === 0) return;
  const records = events.map((event) => {
    const d = event.data;
    const entry: DossierHistoryEntry = { status: 'RECEIVED', at: formatLocalInstant(d.receivedAt), by: event.actor.clientId };
    return {
      dossier_id: d.dossierId,
      procedure: d.procedure,
      applicant_id: d.applicantId,
      address: d.address,
      start_date: d.startDate,
      end_date: d.endDate,
      reason: d.reason,
      ward_code: d.wardCode,
      received_at: d.receivedAt,
      due_date: d.dueDate,
      history: [entry],
      version: event.streamVersion,
    };
  });
  await rows(manager, INSERT_RECEIVED_SQL, [JSON.stringify(records)]);
}

/**
 * `dossiers`: what `GET /residence/dossiers/{id}` answers, one row per dossier with its history.
 * `late` of an undecided dossier depends on the time asked, so it is computed at query time.
 * Runs of receipts go in one INSERT (inline a group commit's batch is mostly receipts; replay
 * thousands at a time); a decision flushes the run before it, so every row is written in
 * event order.
 */
export const dossierDetailsProjection = defineProjection<ResidenceEvent>({
  name: DOSSIER_DETAILS_PROJECTION,
  tables: ['dossiers'],
  eventTypes: ['DossierReceived', 'DossierApproved', 'DossierRejected'],
  async applyBatch(events, manager) {
    let receipts: RecordedEvent<string, DossierReceivedData>[] = [];
    for (const event of events) {
      const e = event as RecordedEvent<ResidenceEvent['type'], unknown>;
      switch (e.type) {
        case 'DossierReceived':
          receipts.push(e as RecordedEvent<string, DossierReceivedData>);
          break;
        case 'DossierApproved': {
          await insertReceived(receipts, manager);
          receipts = [];
          const approved = e as RecordedEvent<string, DossierApprovedData>;
          await decided(approved, manager, { status: 'APPROVED', residenceEffect: approved.data.residenceEffect, rejectionReason: null });
          break;
        }
        case 'DossierRejected': {
          await insertReceived(receipts, manager);
          receipts = [];
          const rejected = e as RecordedEvent<string, DossierRejectedData>;
          await decided(rejected, manager, { status: 'REJECTED', residenceEffect: null, rejectionReason: rejected.data.reason });
          break;
        }
        default: {
          const unhandled: never = e.type;
          throw new Error(`dossiers projection: unexpected event type ${String(unhandled)}`);
        }
      }
    }
    await insertReceived(receipts, manager);
  },
});
