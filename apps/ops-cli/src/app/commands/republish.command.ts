import type { Command } from 'commander';
import type { ServiceName } from '@d06/contracts';
import { queryOne, Relay } from '@d06/event-sourcing';
import { parsePosition, parseService, positiveInt } from '../cli-arguments';
import type { OpsContext } from '../ops-context';
import { OpsError, refused } from '../ops-errors';
import { kafkaSendError, opsKafka, opsTopics, requireTopics } from '../ops-kafka';
import { progressBar } from '../progress-bar';
import { serviceEntry } from '../service-catalog';
import { withServiceDatabase } from '../service-database';

export interface RepublishOptions {
  from: number;
  to?: number;
  batch?: number;
  json?: boolean;
}

export interface RepublishReport {
  service: ServiceName;
  from: number;
  to: number;
  published: number;
  topics: string[];
}

/**
 * `republish <service> --from P [--to Q]`: sends sealed events again, through a Relay that is
 * never started, so its checkpoint (where the service's own relay stands) is not touched. The
 * relay's `republish` builds the very messages the live relay sends (same topic router, key =
 * streamId, same headers, the stored envelope as hashed) and consumers drop what they have seen
 * by event id. Safe next to the running service: at worst a consumer sees an event twice.
 */
export async function republishService(ctx: OpsContext, service: ServiceName, options: RepublishOptions): Promise<RepublishReport> {
  if (options.to !== undefined && options.to < options.from) throw refused(`--to ${options.to} is before --from ${options.from}`);
  const entry = serviceEntry(service);
  const topics = opsTopics(ctx);
  return withServiceDatabase(ctx, service, 'republish', async (db) => {
    const head = await db.store.head();
    if (!head) throw refused(`the ${service} store has no sealed events: nothing to republish`);
    if (options.from > head.position) throw refused(`--from ${options.from} is beyond the head of the ${service} store (position ${head.position})`);
    if (options.to !== undefined && options.to > head.position) {
      throw refused(`--to ${options.to} is beyond the head of the ${service} store (position ${head.position})`);
    }
    // Only what the relay has already published is re-sent. Beyond its checkpoint the relay will
    // publish by itself, and sending a stream's later event before the relay sent its earlier
    // one would hand consumers events out of order. No checkpoint at all means this database's
    // events never reached these topics: most likely the wrong database or topic prefix.
    const published = await queryOne<{ position: string | null }>(db.dataSource, 'SELECT max(position) AS position FROM relay_checkpoints');
    const checkpoint = Number(published?.position ?? 0);
    if (checkpoint === 0) {
      throw refused(
        `the relay of ${db.database} has published nothing yet (no checkpoint): republish re-sends what it sent; ` +
          `check that DATABASE_URL, ${service.toUpperCase()}_DATABASE and D06_TOPIC_PREFIX point at the same stack`,
      );
    }
    if (options.from > checkpoint || (options.to !== undefined && options.to > checkpoint)) {
      throw refused(
        `the relay has published up to position ${checkpoint} only: the positions after it are still on their way (the relay sends them itself, in order)`,
      );
    }
    const to = options.to ?? checkpoint;
    const kafka = opsKafka(ctx, 'republish');
    const targets = entry.publishedTopics(topics);
    await requireTopics(ctx, kafka, targets);
    const batch = options.batch ?? 500;
    const relay = new Relay({ store: db.store, kafka, router: entry.router(topics), batchSize: batch, logger: ctx.logger, name: 'ops-republish' });
    const total = to - options.from + 1;
    const bar = progressBar(ctx, `republish ${service} |{bar}| {value}/{total} events | {speed} events/s | ETA {eta_formatted}`);
    let sent = 0;
    try {
      // Chunk by chunk, so the bar moves and a failure says how far it got.
      for (let from = options.from; from <= to; from += batch) {
        const chunkTo = Math.min(to, from + batch - 1);
        try {
          sent += await relay.republish(from, chunkTo);
        } catch (err) {
          const sentSoFar = from > options.from ? `positions ${options.from}..${from - 1} were sent` : 'nothing was sent';
          throw new OpsError('KAFKA_UNREACHABLE', `${kafkaSendError(ctx, err).message} (${sentSoFar})`);
        }
        bar.update(sent, total);
      }
    } finally {
      bar.stop();
      await relay.stop();
    }
    const report: RepublishReport = { service, from: options.from, to, published: sent, topics: targets };
    if (options.json) ctx.json(report);
    else {
      ctx.out(`${service}: republished ${sent} event(s), positions ${options.from}..${to}, to ${targets.join(', ')}`);
      ctx.out(`the relay's checkpoint is unchanged; consumers skip the events they have already applied`);
    }
    return report;
  });
}

export function registerRepublishCommand(program: Command, ctx: OpsContext): void {
  program
    .command('republish')
    .description("re-send sealed events to Kafka (same topics, keys and headers as the relay), leaving the relay's checkpoint alone")
    .argument('<service>', 'identity, residence or lodging', parseService)
    .requiredOption('--from <position>', 'first position to send', parsePosition)
    .option('--to <position>', "last position to send (default: the relay's checkpoint)", parsePosition)
    .option('--batch <n>', 'events per Kafka batch', positiveInt('--batch', 10_000))
    .option('--json', 'print the result as JSON')
    .action(async (service: ServiceName, options: RepublishOptions) => {
      await republishService(ctx, service, options);
    });
}
