import type { Command } from 'commander';
import type { Kafka } from 'kafkajs';
import type { ServiceName } from '@d06/contracts';
import { errorMessage, execute, listDeadLetters, type DeadLetter } from '@d06/event-sourcing';
import { collectIds, parseService } from '../cli-arguments';
import type { OpsContext } from '../ops-context';
import { EXIT_FAILED, OpsError, refused } from '../ops-errors';
import { kafkaSendError, opsKafka, requireTopics } from '../ops-kafka';
import { serviceEntry, type ConsumerEntry } from '../service-catalog';
import { withServiceDatabase, type ServiceDatabase } from '../service-database';
import { renderTable, truncate, type Column } from '../text-table';

export interface DlqOptions {
  retry?: boolean;
  id?: number[];
  consumer?: string;
  pending?: boolean;
  json?: boolean;
}

export interface RetryOutcome {
  id: number;
  consumer: string;
  how: 'handlers' | 'republished';
  ok: boolean;
  error?: string;
}

const COLUMNS: readonly Column<DeadLetter>[] = [
  { header: 'ID', value: (d) => String(d.id), align: 'right' },
  { header: 'CONSUMER', value: (d) => d.consumer },
  { header: 'TOPIC', value: (d) => d.topic },
  { header: 'PARTITION', value: (d) => String(d.partition), align: 'right' },
  { header: 'OFFSET', value: (d) => d.offset, align: 'right' },
  { header: 'ATTEMPTS', value: (d) => String(d.attempts), align: 'right' },
  { header: 'FAILED AT', value: (d) => d.failedAt.toISOString() },
  { header: 'RETRIED AT', value: (d) => (d.retriedAt ? d.retriedAt.toISOString() : 'pending') },
  { header: 'ERROR', value: (d) => truncate((d.retryError ? `${d.retryError} (retry)` : d.error).replace(/\s+/g, ' '), 100) },
];

function printLetters(ctx: OpsContext, service: ServiceName, letters: readonly DeadLetter[], detailed: boolean): void {
  const pending = letters.filter((d) => d.retriedAt === null).length;
  ctx.out(`${service}: ${letters.length} dead letter(s), ${pending} pending`);
  if (letters.length === 0) return;
  ctx.out();
  for (const line of renderTable(COLUMNS, letters)) ctx.out(line);
  if (!detailed) return;
  for (const d of letters) {
    ctx.out();
    ctx.out(`#${d.id} ${d.consumer} ${d.topic}[${d.partition}]@${d.offset}`);
    ctx.out(`  error: ${d.error}`);
    if (d.retryError) ctx.out(`  last retry error: ${d.retryError}`);
    ctx.out(`  key: ${d.key ?? '(none)'}`);
    ctx.out(`  headers: ${JSON.stringify(d.headers)}`);
    ctx.out(`  value: ${d.value ?? '(none)'}`);
  }
}

/** Picks the letters a retry covers; refuses ids that do not exist or were already retried. */
function lettersToRetry(letters: readonly DeadLetter[], options: DlqOptions): DeadLetter[] {
  const scoped = letters.filter((d) => !options.consumer || d.consumer === options.consumer);
  if (!options.id) return scoped.filter((d) => d.retriedAt === null);
  return options.id.map((id) => {
    const letter = scoped.find((d) => d.id === id);
    if (!letter) throw new OpsError('NOT_FOUND', `no dead letter #${id}${options.consumer ? ` of consumer ${options.consumer}` : ''} in this service`);
    if (letter.retriedAt) throw refused(`dead letter #${id} was already retried at ${letter.retriedAt.toISOString()}`);
    return letter;
  });
}

/**
 * For a consumer whose handlers the CLI cannot run: the dead letter's original message goes
 * back to its source topic (same key, value and headers). Every consumer of that topic sees it
 * again, which is safe since consumers are idempotent (event id), and the failing one handles it
 * anew; should it fail again it is dead-lettered again as a new row. The old row is marked
 * retried once the broker has acknowledged the message.
 */
async function republishLetters(ctx: OpsContext, db: ServiceDatabase, kafka: Kafka, letters: readonly DeadLetter[]): Promise<RetryOutcome[]> {
  await requireTopics(ctx, kafka, letters.map((d) => d.topic));
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  try {
    await producer.connect();
  } catch (err) {
    throw kafkaSendError(ctx, err);
  }
  const outcomes: RetryOutcome[] = [];
  try {
    for (const d of letters) {
      try {
        await producer.send({ topic: d.topic, acks: -1, messages: [{ key: d.key, value: d.value, headers: d.headers }] });
        await execute(db.dataSource, 'UPDATE dead_letters SET retried_at = now(), retry_error = NULL WHERE id = $1 AND retried_at IS NULL', [d.id]);
        outcomes.push({ id: d.id, consumer: d.consumer, how: 'republished', ok: true });
      } catch (err) {
        outcomes.push({ id: d.id, consumer: d.consumer, how: 'republished', ok: false, error: kafkaSendError(ctx, err).message });
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return outcomes;
}

async function retryLetters(ctx: OpsContext, service: ServiceName, db: ServiceDatabase, letters: readonly DeadLetter[]): Promise<RetryOutcome[]> {
  const entry = serviceEntry(service);
  const kafka = opsKafka(ctx, 'dlq');
  const byConsumer = new Map<string, DeadLetter[]>();
  for (const d of letters) byConsumer.set(d.consumer, [...(byConsumer.get(d.consumer) ?? []), d]);
  const outcomes: RetryOutcome[] = [];
  const toRepublish: DeadLetter[] = [];
  for (const [name, group] of byConsumer) {
    const consumer: ConsumerEntry | undefined = entry.consumers.find((c) => c.name === name);
    if (!consumer || consumer.retry.kind === 'republish') {
      const why = consumer?.retry.kind === 'republish' ? consumer.retry.why : `consumer ${name} is unknown to the CLI`;
      ctx.note(`note: ${name}: re-publishing its dead letters to their source topics (${why})`);
      toRepublish.push(...group);
      continue;
    }
    const ids = group.map((d) => d.id);
    const result = await consumer.retry.retry({ dataSource: db.dataSource, kafka, logger: ctx.logger, upcasters: entry.upcasters() }, ids);
    const failed = new Map(result.failed.map((f) => [f.id, f.error]));
    for (const d of group) {
      const error = failed.get(d.id);
      outcomes.push(error === undefined ? { id: d.id, consumer: name, how: 'handlers', ok: true } : { id: d.id, consumer: name, how: 'handlers', ok: false, error });
    }
  }
  if (toRepublish.length > 0) outcomes.push(...(await republishLetters(ctx, db, kafka, toRepublish)));
  return outcomes.sort((a, b) => a.id - b.id);
}

/**
 * `dlq <service> [--retry] [--id N]`: the service's dead letters (table dead_letters of its
 * database), and their retry. Consumers whose handlers the read-model libraries export are
 * retried through the library's retryDeadLetters (same validation and handlers, the effect and
 * the "retried" mark in one transaction); the others by re-publishing the original message.
 */
export async function deadLetters(ctx: OpsContext, service: ServiceName, options: DlqOptions): Promise<DeadLetter[] | RetryOutcome[]> {
  return withServiceDatabase(ctx, service, 'dlq', async (db) => {
    let letters: DeadLetter[];
    try {
      letters = await listDeadLetters(db.dataSource, { consumer: options.consumer, pendingOnly: options.pending === true && !options.id });
    } catch (err) {
      throw new OpsError('FAILED', `cannot read dead_letters in ${db.database}: ${errorMessage(err)}`);
    }
    if (!options.retry) {
      const shown = options.id ? letters.filter((d) => options.id?.includes(d.id)) : letters;
      if (options.id && shown.length === 0) throw new OpsError('NOT_FOUND', `no dead letter ${options.id.map((i) => `#${i}`).join(', ')} in the ${service} service`);
      if (options.json) ctx.json(shown);
      else printLetters(ctx, service, shown, options.id !== undefined);
      return shown;
    }
    const chosen = lettersToRetry(letters, options);
    if (chosen.length === 0) {
      if (options.json) ctx.json([]);
      else ctx.out(`${service}: no pending dead letters to retry`);
      return [];
    }
    const outcomes = await retryLetters(ctx, service, db, chosen);
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) ctx.exitCode = EXIT_FAILED;
    if (options.json) {
      ctx.json(outcomes);
      return outcomes;
    }
    for (const o of outcomes) {
      const how = o.how === 'handlers' ? "re-run through the consumer's handlers" : 're-published to its source topic';
      ctx.out(`#${o.id} ${o.consumer}: ${o.ok ? how : `FAILED (${o.error})`}`);
    }
    ctx.out(`${service}: ${outcomes.length - failed.length} of ${outcomes.length} dead letter(s) retried${failed.length > 0 ? `, ${failed.length} failed and stay pending` : ''}`);
    return outcomes;
  });
}

export function registerDlqCommand(program: Command, ctx: OpsContext): void {
  program
    .command('dlq')
    .description("list the service's dead letters, or retry them (--retry) once their cause is fixed")
    .argument('<service>', 'identity, residence or lodging', parseService)
    .option('--retry', 'retry the pending dead letters (or those named with --id)')
    .option('--id <n>', 'only this dead letter (repeatable); listing it shows its message', collectIds)
    .option('--consumer <name>', 'only the dead letters of this consumer')
    .option('--pending', 'list only the dead letters not retried yet')
    .option('--json', 'print as JSON')
    .action(async (service: ServiceName, options: DlqOptions) => {
      await deadLetters(ctx, service, options);
    });
}
