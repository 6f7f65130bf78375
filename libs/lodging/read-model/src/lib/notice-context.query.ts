import { batchedReads, queryPrepared } from '@d06/event-sourcing';
import type { KnownCitizenRow } from './known-citizens.query';
import type { DataSource, EntityManager } from 'typeorm';

/** What a new notice is decided against: its establishment's ward, and its Vietnamese guests' register entries. */
export interface NoticeContext {
  /** null when no establishment has that id. */
  establishment: { wardCode: string } | null;
  citizens: Map<string, KnownCitizenRow>;
}

export interface NoticeContextLookup {
  establishmentId: string;
  personalIds: readonly string[];
}

type Db = DataSource | EntityManager;

/**
 * The contexts of several notices in one round trip (establishments and register entries of all
 * of them), in the order asked. On the hot path of 1,000 notices/s a query per notice is what
 * costs, not the rows.
 */
export async function findNoticeContexts(db: Db, lookups: readonly NoticeContextLookup[]): Promise<NoticeContext[]> {
  const establishmentIds = [...new Set(lookups.map((l) => l.establishmentId.toLowerCase()))];
  const personalIds = [...new Set(lookups.flatMap((l) => l.personalIds))];
  const rows = await queryPrepared<{ establishment_id: string | null; personal_id: string | null; ward_code: string | null; status: 'ALIVE' | 'DECEASED' | null; full_name_normalized: string | null; date_of_birth: string | null }>(db, {
    name: 'd06_lodging_notice_contexts',
    text: `SELECT establishment_id::text AS establishment_id, NULL::text AS personal_id, ward_code, NULL::text AS status, NULL::text AS full_name_normalized, NULL::text AS date_of_birth
             FROM establishments WHERE establishment_id = ANY($1::uuid[])
           UNION ALL
           SELECT NULL, personal_id, NULL, status, full_name_normalized, date_of_birth
             FROM known_citizens WHERE personal_id = ANY($2::text[])`,
    values: [establishmentIds, personalIds],
  });
  const wards = new Map<string, string>();
  const citizens = new Map<string, KnownCitizenRow>();
  for (const r of rows) {
    if (r.establishment_id !== null) wards.set(r.establishment_id, r.ward_code as string);
    else if (r.personal_id !== null) citizens.set(r.personal_id, { status: r.status as 'ALIVE' | 'DECEASED', fullNameNormalized: r.full_name_normalized, dateOfBirth: r.date_of_birth });
  }
  return lookups.map((l) => {
    const wardCode = wards.get(l.establishmentId.toLowerCase());
    const own = new Map<string, KnownCitizenRow>();
    for (const id of l.personalIds) {
      const row = citizens.get(id);
      if (row) own.set(id, row);
    }
    return { establishment: wardCode === undefined ? null : { wardCode }, citizens: own };
  });
}

export async function findNoticeContext(db: Db, establishmentId: string, personalIds: readonly string[]): Promise<NoticeContext> {
  const [context] = await findNoticeContexts(db, [{ establishmentId, personalIds }]);
  return context;
}

/**
 * findNoticeContext for concurrent notices: lookups made while earlier ones are on their way go
 * to Postgres together, one query for the lot (batchedReads).
 */
export function noticeContextReader(db: Db, options: { maxInFlight?: number; maxGuests?: number } = {}): (lookup: NoticeContextLookup) => Promise<NoticeContext> {
  return batchedReads((lookups: readonly NoticeContextLookup[]) => findNoticeContexts(db, lookups), {
    maxInFlight: options.maxInFlight,
    maxSize: options.maxGuests ?? 2000,
    sizeOf: (l) => 1 + l.personalIds.length,
  });
}
