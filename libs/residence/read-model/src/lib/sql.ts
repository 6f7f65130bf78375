import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Where read-model SQL runs: the data source, a transaction's manager (inline, consumer, replay). */
export type SqlTarget = DataSource | EntityManager;

interface StructuredResult {
  records?: unknown[];
  affected?: number;
}

/**
 * Runs one statement and returns its rows. TypeORM's plain `query()` answers UPDATE/DELETE with
 * `[rows, count]` and everything else with rows; the structured form is uniform, so a
 * `... RETURNING` works the same whatever the command.
 */
export async function rows<T>(target: SqlTarget, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  let runner: QueryRunner;
  let owned = false;
  if ('createQueryRunner' in target) {
    runner = target.createQueryRunner();
    owned = true;
  } else if (target.queryRunner) {
    runner = target.queryRunner;
  } else {
    runner = target.connection.createQueryRunner();
    owned = true;
  }
  try {
    const result = (await runner.query(sql, [...params], true)) as StructuredResult;
    return (result.records ?? []) as T[];
  } finally {
    if (owned) await runner.release();
  }
}

export async function firstRow<T>(target: SqlTarget, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(target, sql, params))[0];
}
