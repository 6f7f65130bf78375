/**
 * The floor of bench/identity: the baseline's verification (verify-claim.ts) with one Kafka
 * request/reply hop in the middle, and nothing else of ours. A `front` process (node:http, no
 * Nest, no token, no validation library) sends each request to a topic; a `responder` process
 * (a kafkajs consumer, no Nest) answers it from the same Postgres table and sends the reply back.
 * Both use the platform's kafkajs settings and its coalescing producer (one Produce request per
 * event-loop turn), so the difference between this floor and the baseline is what the Kafka hop
 * itself costs on this machine, and the difference between the platform and this floor is what
 * our gateway, Nest and the identity service add on top of it.
 *
 *   node -r @swc-node/register bench/identity/kafka-floor.ts responder|front
 *
 * Env: FLOOR_TOPIC_PREFIX, KAFKA_BROKERS, BASELINE_DATABASE_URL (responder). The front reports
 * its port over IPC (or prints it) once its reply consumer has joined its group.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Kafka, type EachBatchPayload } from 'kafkajs';
import pg from 'pg';
import { CONSUMER_TIMINGS, coalesceSends, kafkaClientConfig } from '@d06/platform';
import { CITIZEN_SQL, isClaim, matches, type CitizenRow, type Claim } from './verify-claim';

const role = process.argv[2];
const prefix = process.env['FLOOR_TOPIC_PREFIX'] ?? 'floor.';
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const FLOOR_REQUESTS = `${prefix}requests`;
export const FLOOR_REPLIES = `${prefix}replies`;

async function responder(): Promise<void> {
  const url = process.env['BASELINE_DATABASE_URL'];
  if (!url) throw new Error('BASELINE_DATABASE_URL is required');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const kafka = new Kafka(kafkaClientConfig('floor-responder', brokers));
  const producer = coalesceSends(kafka.producer({ allowAutoTopicCreation: false }));
  const consumer = kafka.consumer({ groupId: `${prefix}responder`, ...CONSUMER_TIMINGS });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: FLOOR_REQUESTS, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
      await Promise.all(
        batch.messages.map(async (m) => {
          const claim = JSON.parse(String(m.value)) as Claim;
          const { rows } = await pool.query<CitizenRow>(CITIZEN_SQL, [claim.personalId]);
          const match = matches(claim, rows[0]);
          await producer.send({ topic: FLOOR_REPLIES, messages: [{ value: JSON.stringify({ match }), headers: { id: m.headers?.['id'] ?? '' } }] });
        }),
      );
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    },
  });
}

async function front(): Promise<void> {
  const kafka = new Kafka(kafkaClientConfig('floor-front', brokers));
  const producer = coalesceSends(kafka.producer({ allowAutoTopicCreation: false }));
  const consumer = kafka.consumer({ groupId: `${prefix}front-${randomUUID()}`, ...CONSUMER_TIMINGS });
  const pending = new Map<string, http.ServerResponse>();
  const send = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: FLOOR_REPLIES, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }: EachBatchPayload) => {
      for (const m of batch.messages) {
        const id = String(m.headers?.['id'] ?? '');
        const res = pending.get(id);
        if (!res) continue;
        pending.delete(id);
        send(res, 200, String(m.value));
      }
    },
  });
  await joined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let claim: unknown;
      try {
        claim = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, '{"error":"malformed JSON"}');
      }
      if (!isClaim(claim)) return send(res, 400, '{"error":"personalId"}');
      const id = randomUUID();
      pending.set(id, res);
      producer.send({ topic: FLOOR_REQUESTS, messages: [{ value: JSON.stringify(claim), headers: { id } }] }).catch((err: Error) => {
        pending.delete(id);
        send(res, 503, JSON.stringify({ error: err.message }));
      });
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    if (process.send) process.send({ port });
    else console.log(`floor front listening on http://127.0.0.1:${port}`);
  });
}

const main = role === 'responder' ? responder : role === 'front' ? front : undefined;
if (!main) {
  console.error('usage: kafka-floor.ts responder|front');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
