import { queryPrepared } from '@d06/event-sourcing';
import type { KnownCitizenRow } from './known-citizens.query';
import type { DataSource, EntityManager } from 'typeorm';

/** What a new notice is decided against: its establishment's ward, and its Vietnamese guests' register entries. */
export interface NoticeContext {
  /** null when no establishment has that id. */
  establishment: { wardCode: string } | null;
  citizens: Map<string, KnownCitizenRow>;
}

/**
 * Both lookups of a notice in one round trip: on the hot path of 1,000 notices/s a second query
 * (or a second pooled connection) per notice is what costs, not the rows.
 */
export async function findNoticeContext(db: DataSource | EntityManager, establishmentId: string, personalIds: readonly string[]): Promise<NoticeContext> {
  const rows = await queryPrepared<{ personal_id: string | null; ward_code: string | null; status: 'ALIVE' | 'DECEASED' | null; full_name_normalized: string | null; date_of_birth: string | null }>(db, {
    name: 'd06_lodging_notice_context',
    text: `SELECT NULL::text AS personal_id, ward_code, NULL::text AS status, NULL::text AS full_name_normalized, NULL::text AS date_of_birth
             FROM establishments WHERE establishment_id = $1
           UNION ALL
           SELECT personal_id, NULL, status, full_name_normalized, date_of_birth
             FROM known_citizens WHERE personal_id = ANY($2::text[])`,
    values: [establishmentId, [...new Set(personalIds)]],
  });
  const context: NoticeContext = { establishment: null, citizens: new Map() };
  for (const r of rows) {
    if (r.personal_id === null) context.establishment = { wardCode: r.ward_code as string };
    else context.citizens.set(r.personal_id, { status: r.status as 'ALIVE' | 'DECEASED', fullNameNormalized: r.full_name_normalized, dateOfBirth: r.date_of_birth });
  }
  return context;
}
