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
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO idempotency_keys (client_id, key, request_hash, method, path, state, claim_token, locked_until, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, $7, $8, $9)
       ON CONFLICT (client_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, method = EXCLUDED.method, path = EXCLUDED.path, state = 'in_flight',
             claim_token = EXCLUDED.claim_token, locked_until = EXCLUDED.locked_until, status_code = NULL, content_type = NULL,
             response_body = NULL, created_at = EXCLUDED.created_at, completed_at = NULL, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= $8
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until <= $8 AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [c.clientId, c.key, c.requestHash, c.method, c.path, c.token, c.lockedUntil, c.now, c.expiresAt],
    );
    return rows.length === 1;
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
  async complete(clientId: string, key: string, token: string, outcome: StoredOutcome, now: Date): Promise<boolean> {
    return (
      (await this.count(
        `UPDATE idempotency_keys SET state = 'done', status_code = $4, content_type = $5, response_body = $6, completed_at = $7
         WHERE client_id = $1 AND key = $2 AND claim_token = $3 AND state = 'in_flight'`,
        [clientId, key, token, outcome.status, outcome.contentType, outcome.body, now],
      )) === 1
    );
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
