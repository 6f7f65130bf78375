import type { DataSource } from 'typeorm';

export interface StoredOutcome {
  status: number;
  contentType: string;
  body: string;
}

export type IdempotencyRecord =
  | { state: 'in_flight'; requestHash: string }
  | { state: 'done'; requestHash: string; outcome: StoredOutcome };

export interface Claim {
  clientId: string;
  key: string;
  requestHash: string;
  method: string;
  path: string;
  token: string;
  now: Date;
  lockedUntil: Date;
  expiresAt: Date;
}

export interface Completion {
  clientId: string;
  key: string;
  token: string;
  outcome: StoredOutcome;
  now: Date;
}

/** One string per (client, key): the pair a row is known by. */
export function keyOf(clientId: string, key: string): string {
  return `${clientId}\u0000${key}`;
}

interface RecordRow {
  state: 'in_flight' | 'done';
  request_hash: string;
  status_code: number | null;
  content_type: string | null;
  response_body: string | null;
}

/** SQL of the idempotency_keys table (idempotency.migration.ts). */
export class IdempotencyStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Takes the key for this request: a new row, or one that has expired, or an in-flight row of
   * the same request whose holder's lease ran out (a gateway that died mid-request). Exactly one
   * of any number of racing requests gets true.
   */
  async claim(c: Claim): Promise<boolean> {
    return (await this.claimMany([c]))[0];
  }

  /**
   * Many claims in one statement (one round trip, one commit), answered in order. The keys must
   * differ: Postgres refuses an upsert that touches one row twice.
   */
  async claimMany(claims: readonly Claim[]): Promise<boolean[]> {
    const rows: { client_id: string; key: string }[] = await this.ds.query(
      `INSERT INTO idempotency_keys (client_id, key, request_hash, method, path, state, claim_token, locked_until, created_at, expires_at)
       SELECT c.client_id, c.key, c.request_hash, c.method, c.path, 'in_flight', c.claim_token, c.locked_until, c.created_at, c.expires_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
            AS c(client_id, key, request_hash, method, path, claim_token, locked_until, created_at, expires_at)
       ON CONFLICT (client_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, method = EXCLUDED.method, path = EXCLUDED.path, state = 'in_flight',
             claim_token = EXCLUDED.claim_token, locked_until = EXCLUDED.locked_until, status_code = NULL, content_type = NULL,
             response_body = NULL, created_at = EXCLUDED.created_at, completed_at = NULL, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= EXCLUDED.created_at
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until <= EXCLUDED.created_at AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING client_id, key`,
      [
        claims.map((c) => c.clientId),
        claims.map((c) => c.key),
        claims.map((c) => c.requestHash),
        claims.map((c) => c.method),
        claims.map((c) => c.path),
        claims.map((c) => c.token),
        claims.map((c) => c.lockedUntil),
        claims.map((c) => c.now),
        claims.map((c) => c.expiresAt),
      ],
    );
    const won = new Set(rows.map((r) => keyOf(r.client_id, r.key)));
    return claims.map((c) => won.has(keyOf(c.clientId, c.key)));
  }

  async find(clientId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows: RecordRow[] = await this.ds.query(
      `SELECT state, request_hash, status_code, content_type, response_body FROM idempotency_keys WHERE client_id = $1 AND key = $2`,
      [clientId, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.state === 'in_flight') return { state: 'in_flight', requestHash: row.request_hash };
    return {
      state: 'done',
      requestHash: row.request_hash,
      outcome: { status: Number(row.status_code), contentType: row.content_type ?? 'application/json', body: row.response_body ?? '' },
    };
  }

  /** Records the outcome to replay; false when the claim was lost meanwhile (lease taken over). */
  async complete(completion: Completion): Promise<boolean> {
    return (await this.completeMany([completion]))[0];
  }

  /** Many outcomes in one statement, answered in order (keys must differ). */
  async completeMany(items: readonly Completion[]): Promise<boolean[]> {
    const rows: { client_id: string; key: string }[] = await this.ds.query(
      // In a CTE: TypeORM returns the rows of a bare UPDATE in another shape.
      `WITH stored AS (
         UPDATE idempotency_keys ik
            SET state = 'done', status_code = u.status_code, content_type = u.content_type, response_body = u.response_body, completed_at = u.completed_at
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])
                AS u(client_id, key, claim_token, status_code, content_type, response_body, completed_at)
          WHERE ik.client_id = u.client_id AND ik.key = u.key AND ik.claim_token = u.claim_token AND ik.state = 'in_flight'
         RETURNING ik.client_id, ik.key
       )
       SELECT client_id, key FROM stored`,
      [
        items.map((i) => i.clientId),
        items.map((i) => i.key),
        items.map((i) => i.token),
        items.map((i) => i.outcome.status),
        items.map((i) => i.outcome.contentType),
        items.map((i) => i.outcome.body),
        items.map((i) => i.now),
      ],
    );
    const stored = new Set(rows.map((r) => keyOf(r.client_id, r.key)));
    return items.map((i) => stored.has(keyOf(i.clientId, i.key)));
  }

  /** Gives the key back (the request failed in a way the client may retry). */
  async release(clientId: string, key: string, token: string): Promise<void> {
    await this.ds.query(`DELETE FROM idempotency_keys WHERE client_id = $1 AND key = $2 AND claim_token = $3 AND state = 'in_flight'`, [clientId, key, token]);
  }

  /** Deletes up to `batch` expired rows; returns how many went. */
  async purgeExpired(now: Date, batch: number): Promise<number> {
    return this.count(`DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)`, [now, batch]);
  }

  /** Rows changed by an UPDATE or DELETE (wrapped in a CTE: TypeORM returns UPDATE/DELETE results in another shape). */
  private async count(statement: string, parameters: unknown[]): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(`WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM changed`, parameters);
    return rows[0]?.n ?? 0;
  }
}
