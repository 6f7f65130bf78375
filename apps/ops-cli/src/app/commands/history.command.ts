import type { Command } from 'commander';
import type { ServiceName } from '@d06/contracts';
import type { RecordedEvent } from '@d06/event-sourcing';
import { parseService } from '../cli-arguments';
import type { OpsContext } from '../ops-context';
import { OpsError } from '../ops-errors';
import { withServiceDatabase } from '../service-database';
import { renderTable, type Column } from '../text-table';

export interface HistoryOptions {
  json?: boolean;
  upcast?: boolean;
}

function actorOf(event: RecordedEvent): string {
  return event.actor.subject ? `${event.actor.clientId}/${event.actor.subject}` : event.actor.clientId;
}

const COLUMNS: readonly Column<RecordedEvent>[] = [
  { header: 'POSITION', value: (e) => (e.position === null ? 'unsealed' : String(e.position)), align: 'right' },
  { header: 'VERSION', value: (e) => String(e.streamVersion), align: 'right' },
  { header: 'TYPE', value: (e) => (e.schemaVersion === 1 ? e.type : `${e.type} v${e.schemaVersion}`) },
  { header: 'OCCURRED AT', value: (e) => e.occurredAt },
  { header: 'ACTOR', value: actorOf },
  { header: 'CORRELATION ID', value: (e) => e.correlationId },
];

/**
 * `history <service> <streamId>`: the stream's events with their envelopes, as stored (and so as
 * hashed) unless `--upcast` asks for the current schema. A table by default, every event's data
 * on the line below its row; `--json` gives the envelopes themselves.
 */
export async function showHistory(ctx: OpsContext, service: ServiceName, streamId: string, options: HistoryOptions): Promise<void> {
  const events = await withServiceDatabase(ctx, service, 'history', (db) =>
    db.store.readStream(streamId, { upcast: options.upcast === true }),
  );
  if (events.length === 0) {
    throw new OpsError('NOT_FOUND', `stream ${streamId} has no events in the ${service} store`);
  }
  if (options.json) {
    ctx.json(events);
    return;
  }
  const sealed = events.filter((e) => e.position !== null).length;
  ctx.out(`${service} stream ${streamId}: ${events.length} event${events.length === 1 ? '' : 's'}${sealed < events.length ? ` (${events.length - sealed} not sealed yet)` : ''}`);
  ctx.out();
  const [header, ...rows] = renderTable(COLUMNS, events);
  ctx.out(header);
  rows.forEach((row, i) => {
    const e = events[i];
    ctx.out(row);
    ctx.out(`    data: ${JSON.stringify(e.data)}`);
    if (e.causationId) ctx.out(`    causation: ${e.causationId}`);
    ctx.out(`    event ${e.eventId}  hash ${e.hash ?? '(not sealed)'}`);
  });
}

export function registerHistoryCommand(program: Command, ctx: OpsContext): void {
  program
    .command('history')
    .description("print a stream's events (envelopes: position, version, type, occurredAt, actor, correlationId, data)")
    .argument('<service>', 'identity, residence or lodging', parseService)
    .argument('<streamId>', 'the stream, e.g. a personalId or a dossier id')
    .option('--json', 'print the envelopes as JSON')
    .option('--upcast', 'show data at its current schema version (default: exactly as stored and hashed)')
    .action((service: ServiceName, streamId: string, options: HistoryOptions) => showHistory(ctx, service, streamId, options));
}
