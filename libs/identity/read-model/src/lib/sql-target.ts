import type { DataSource, EntityManager } from 'typeorm';

/** What the queries run on: the data source, or a transaction's manager. */
export type SqlTarget = DataSource | EntityManager;

/** Timestamps leave the database as `Date.prototype.toISOString()` text, whatever the session's zone. */
export function isoInstantSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
