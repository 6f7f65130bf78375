import { Option, type Command } from 'commander';
import { topicNames, type ServiceName } from '@d06/contracts';
import { errorMessage, replayProjection, ReplayError, type Projection, type ReplayResult } from '@d06/event-sourcing';
import { parseInstant, parsePosition, parseService, positiveInt } from '../cli-arguments';
import type { OpsContext } from '../ops-context';
import { OpsError, refused } from '../ops-errors';
import { progressBar } from '../progress-bar';
import { findProjectionOwner, SERVICE_CATALOG, SERVICE_NAMES, serviceEntry } from '../service-catalog';
import { missingTables, withServiceDatabase } from '../service-database';

export interface ReplayCliOptions {
  projection?: string;
  to?: number;
  at?: Date;
  batch?: number;
  requireMatch?: boolean;
  json?: boolean;
}

/**
 * Which projections to rebuild. Everything that can be refused without a database is refused
 * here: a name that is no projection of this service, a projection of another service's store,
 * and a read model fed by another service's topic (a consumer's tables: the events that built
 * them are not in this store, so a "rebuild" from it would empty them).
 */
export function selectProjections(service: ServiceName, name: string | undefined): Projection[] {
  const entry = serviceEntry(service);
  if (name === undefined) {
    if (entry.projections.length === 0) throw refused(`the ${service} service declares no projections to replay`);
    return [...entry.projections];
  }
  const own = entry.projections.find((p) => p.name === name || p.tables.includes(name));
  if (own) return [own];
  const consumer = entry.consumers.find((c) => c.name === name || c.feeds.includes(name));
  if (consumer) {
    throw refused(
      `${name} is fed by another service's topic (${consumer.sourceTopics(topicNames()).join(', ')}, consumer ${consumer.name}), ` +
        `not by the ${service} store: replay cannot rebuild it from here. It converges from that topic (consumers are idempotent); ` +
        `to feed it again, republish the source's events (ops republish ${consumer.source} --from 1).`,
    );
  }
  const owner = findProjectionOwner(name);
  if (owner) {
    throw refused(`${name} is a projection of the ${owner.service} store, not of ${service}: run \`ops replay ${owner.service} --projection ${owner.projection.name}\``);
  }
  const consumerElsewhere = SERVICE_NAMES.find((s) => SERVICE_CATALOG[s].consumers.some((c) => c.name === name || c.feeds.includes(name)));
  if (consumerElsewhere) {
    throw refused(`${name} is a read model of the ${consumerElsewhere} service fed by another service's topic: replay cannot rebuild it`);
  }
  const known = entry.projections.map((p) => `${p.name} (${p.tables.join(', ')})`).join('; ');
  throw new OpsError('UNKNOWN_PROJECTION', `the ${service} service has no projection "${name}": one of ${known}`);
}

function describePointInTime(options: ReplayCliOptions): string {
  const point = options.to !== undefined ? `position ${options.to}` : `${options.at?.toISOString()} (events that occurred at or before it)`;
  return `state as of ${point}`;
}

function printResult(ctx: OpsContext, projection: Projection, result: ReplayResult, options: ReplayCliOptions): void {
  const seconds = result.durationMs / 1000;
  const rate = seconds > 0 ? Math.round(result.events / seconds) : result.events;
  const tables = result.tables.map((t) => `${t.table} ${t.rows} rows`).join(', ');
  if (result.mode === 'point-in-time') {
    ctx.out(`${projection.name}: ${describePointInTime(options)} built in schema ${result.schema}`);
    ctx.out(`  ${result.events} events applied (last position ${result.position}) in ${seconds.toFixed(1)} s; ${tables}`);
    ctx.out(`  checksum ${result.checksumAfter}`);
    ctx.out(`  inspect: SELECT * FROM ${result.schema}.${projection.tables[0]};   drop when done: DROP SCHEMA ${result.schema} CASCADE;`);
    return;
  }
  const same = result.checksumBefore === result.checksumAfter;
  ctx.out(`${projection.name}: ${result.events} events replayed up to position ${result.position} in ${seconds.toFixed(1)} s (${rate} events/s)`);
  ctx.out(`  checksum before (live)    ${result.checksumBefore}`);
  ctx.out(`  checksum after (rebuilt)  ${result.checksumAfter}  ${same ? 'identical' : 'DIFFERENT: the live tables had drifted from the log'}`);
  ctx.out(`  swapped in: ${tables}`);
  if (result.retiredSchema) {
    ctx.out(`  the replaced tables were kept in schema ${result.retiredSchema} (something still depends on them); drop it when done`);
  }
}

/**
 * `replay <service>`: rebuilds the service's read model(s) from its event store with the
 * library's replayProjection: shadow tables filled by the same handlers that run inline, then
 * swapped in under a short lock while the service keeps writing. `--to`/`--at` build the state
 * as of that point into a schema of its own, left there for inspection (no swap).
 */
export async function replayService(ctx: OpsContext, service: ServiceName, options: ReplayCliOptions): Promise<ReplayResult[]> {
  if (options.to !== undefined && options.at !== undefined) throw refused('--to and --at cannot be used together: choose one point');
  if (options.requireMatch && (options.to !== undefined || options.at !== undefined)) {
    throw refused('--require-match guards a swap; --to/--at build a separate schema and swap nothing');
  }
  const projections = selectProjections(service, options.projection);
  return withServiceDatabase(
    ctx,
    service,
    'replay',
    async (db) => {
      const head = await db.store.head();
      if (options.to !== undefined && options.to > (head?.position ?? 0)) {
        throw refused(`--to ${options.to} is beyond the head of the ${service} store (${head ? `position ${head.position}` : 'empty'}): nothing is there yet`);
      }
      if (options.at !== undefined && options.at.getTime() > ctx.clock.now().getTime()) {
        throw refused(`--at ${options.at.toISOString()} is in the future: the state "as of" it is not known yet`);
      }
      const missing = await missingTables(db, projections.flatMap((p) => p.tables));
      if (missing.length > 0) {
        throw new OpsError(
          'READ_MODEL_MISSING',
          `table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing in ${db.database}: the ${service} service creates its read model when it starts (migrations)`,
        );
      }
      const results: ReplayResult[] = [];
      for (const projection of projections) {
        const bar = progressBar(ctx, `${projection.name} |{bar}| {value}/{total} events | {speed} events/s | ETA {eta_formatted}`);
        let result: ReplayResult;
        try {
          result = await replayProjection(db.dataSource, db.store, projection, {
            toPosition: options.to,
            at: options.at,
            batchSize: options.batch,
            requireMatch: options.requireMatch ?? false,
            logger: ctx.logger,
            onProgress: (p) => bar.update(p.done, p.total),
          });
        } catch (err) {
          if (err instanceof ReplayError) throw new OpsError('REPLAY_FAILED', `${projection.name}: ${err.message}`);
          throw new OpsError('REPLAY_FAILED', `${projection.name}: replay failed (${errorMessage(err)}); the live tables are untouched`);
        } finally {
          bar.stop();
        }
        results.push(result);
        if (!options.json) printResult(ctx, projection, result, options);
      }
      if (options.json) ctx.json(results);
      return results;
    },
    8,
  );
}

export function registerReplayCommand(program: Command, ctx: OpsContext): void {
  program
    .command('replay')
    .description(
      "rebuild the service's read model(s) from its event store into shadow tables, swapped in when done; " +
        '--to/--at build the state as of that point into a separate schema (no swap)',
    )
    .argument('<service>', 'identity, residence or lodging', parseService)
    .option('--projection <name>', 'only this projection (its name or one of its tables)')
    .addOption(new Option('--to <position>', 'the state as of this position, into a separate schema').argParser(parsePosition).conflicts('at'))
    .addOption(new Option('--at <time>', 'the state as of this time (RFC 3339 with offset), into a separate schema').argParser(parseInstant).conflicts('to'))
    .option('--batch <n>', 'events per transaction', positiveInt('--batch', 100_000))
    .option('--require-match', 'swap only if the rebuilt tables equal the live ones (checksum)')
    .option('--json', 'print the results as JSON')
    .action(async (service: ServiceName, options: ReplayCliOptions) => {
      await replayService(ctx, service, options);
    });
}
