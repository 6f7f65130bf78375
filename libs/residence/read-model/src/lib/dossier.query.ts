import type { Address, Procedure, ResidenceEffect } from '@d06/contracts';
import type { DossierHistoryEntry } from './dossier-details.projection';
import { formatLocalInstant } from './local-time';
import { queryPrepared } from '@d06/event-sourcing';
import type { SqlTarget } from './sql';

/** A dossier as the `dossiers` read model holds it (times as RFC 3339 local, dates as YYYY-MM-DD). */
export interface DossierRecord {
  dossierId: string;
  procedure: Procedure;
  applicantId: string;
  status: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  address: Address | null;
  startDate: string | null;
  endDate: string | null;
  reason: string | null;
  wardCode: string | null;
  receivedAt: string;
  dueDate: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Whether the decision came after the end of dueDate; null while undecided. */
  late: boolean | null;
  rejectionReason: string | null;
  residenceEffect: ResidenceEffect | null;
  history: DossierHistoryEntry[];
  version: number;
}

interface DossierRow {
  dossier_id: string;
  procedure: Procedure;
  applicant_id: string;
  status: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  address: Address | null;
  start_date: string | null;
  end_date: string | null;
  reason: string | null;
  ward_code: string | null;
  received_at: Date;
  due_date: string;
  decided_at: Date | null;
  decided_by: string | null;
  late: boolean | null;
  rejection_reason: string | null;
  residence_effect: ResidenceEffect | null;
  history: DossierHistoryEntry[];
  version: number;
}

/** The dossier, or null when there is none with this id. */
export async function findDossier(target: SqlTarget, dossierId: string): Promise<DossierRecord | null> {
  // Dates as text: node-postgres would turn a `date` into a Date at local midnight.
  const [row] = await queryPrepared<DossierRow>(target, {
    name: 'd06_residence_dossier',
    text: `SELECT dossier_id, procedure, applicant_id, status, address, start_date::text AS start_date,
                  end_date::text AS end_date, reason, ward_code, received_at, due_date::text AS due_date, decided_at,
                  decided_by, late, rejection_reason, residence_effect, history, version
             FROM dossiers WHERE dossier_id = $1`,
    values: [dossierId],
  });
  if (!row) return null;
  return {
    dossierId: row.dossier_id,
    procedure: row.procedure,
    applicantId: row.applicant_id,
    status: row.status,
    address: row.address,
    startDate: row.start_date,
    endDate: row.end_date,
    reason: row.reason,
    wardCode: row.ward_code,
    receivedAt: formatLocalInstant(row.received_at),
    dueDate: row.due_date,
    decidedAt: row.decided_at === null ? null : formatLocalInstant(row.decided_at),
    decidedBy: row.decided_by,
    late: row.late,
    rejectionReason: row.rejection_reason,
    residenceEffect: row.residence_effect,
    history: row.history,
    version: row.version,
  };
}
