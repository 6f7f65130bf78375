/**
 * The floor of a benchmark: the least work the architecture the project is bound to (a Kafka
 * request/reply hop between an HTTP front and a service on Postgres, CONTRACT.md) does for one
 * request, with nothing else of ours. A `front` process (node:http, no Nest, no token, no
 * validation library, no logs) sends each request to a topic; a `responder` process (a bare
 * kafkajs consumer, no Nest) answers it and sends the reply back. Both use the platform's kafkajs
 * settings and its coalescing producer (one Produce request per event-loop turn).
 *
 * FLOOR_MODE:
 * - `verify` (bench/identity): the yes/no verification from the identity service's `citizens`
 *   table, as the baseline answers it (../identity/verify-claim.ts).
 * - `notice` (bench/lodging): a lodging notice made durable the cheapest way an event-sourced
 *   service can: one statement that appends the event to a log and inserts its read-model row
 *   (autocommit, fsync'd), then the event published to a topic (acks from all replicas), then
 *   the reply. No hash chain, no deciding against a projection, no counters, no idempotency.
 *
 * The difference between the floor and the platform is what our gateway, Nest and services add;
 * the difference between the floor and a one-process baseline is what the hop itself costs.
 *
 *   node -r @swc-node/register bench/floor/kafka-floor.ts responder|front
 *
 * Env: FLOOR_MODE, FLOOR_TOPIC_PREFIX, KAFKA_BROKERS, FLOOR_DATABASE_URL (responder). Each process
 * reports over IPC (or prints) once it is ready; the front reports its port.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Kafka, type EachBatchPayload } from 'kafkajs';
import pg from 'pg';
import { CONSUMER_TIMINGS, coalesceSends, kafkaClientConfig } from '@d06/platform';
import { CITIZEN_SQL, isClaim, matches, type CitizenRow, type Claim } from '../identity/verify-claim';

const role = process.argv[2];
const mode = process.env['FLOOR_MODE'] ?? 'verify';
const prefix = process.env['FLOOR_TOPIC_PREFIX'] ?? 'floor.';
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REQUESTS = `${prefix}requests`;
const REPLIES = `${prefix}replies`;
const EVENTS = `${prefix}events`;

const NOTICE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS floor_events (seq bigserial PRIMARY KEY, stream_id uuid NOT NULL, type text NOT NULL, data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS floor_notices (notice_id uuid PRIMARY KEY, establishment_id text NOT NULL, guests int NOT NULL, seq bigint NOT NULL)`;
const NOTICE_SQL = `WITH e AS (INSERT INTO floor_events (stream_id, type, data) VALUES ($1, 'NoticeSubmitted', $3::jsonb) RETURNING seq)
                    INSERT INTO floor_notices (notice_id, establishment_id, guests, seq) SELECT $1, $2, jsonb_array_length($3::jsonb -> 'guests'), seq FROM e`;

interface Notice {
  establishmentId: string;
  guests: unknown[];
}

const isNotice = (body: unknown): body is Notice =>
  typeof (body as Notice | null)?.establishmentId === 'string' && Array.isArray((body as Notice).guests) && (body as Notice).guests.length >= 1 && (body as Notice).guests.length <= 200;

const ready = (port?: number) => {
  if (process.send) process.send({ port });
  else console.log(port ? `floor front listening on http://127.0.0.1:${port}` : 'floor responder ready');
};

async function responder(): Promise<void> {
  const url = process.env['FLOOR_DATABASE_URL'];
  if (!url) throw new Error('FLOOR_DATABASE_URL is required');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  if (mode === 'notice') await pool.query(NOTICE_SCHEMA);
  const kafka = new Kafka(kafkaClientConfig('floor-responder', brokers));
  const producer = coalesceSends(kafka.producer({ allowAutoTopicCreation: false }));
  const consumer = kafka.consumer({ groupId: `${prefix}responder`, ...CONSUMER_TIMINGS });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: REQUESTS, fromBeginning: true });

  const answer = async (body: unknown): Promise<unknown> => {
    if (mode === 'notice') {
      const notice = body as Notice;
      const noticeId = randomUUID();
      const data = JSON.stringify(notice);
      await pool.query(NOTICE_SQL, [noticeId, notice.establishmentId, data]);
      await producer.send({ topic: EVENTS, messages: [{ key: noticeId, value: data }] });
      return { noticeId };
    }
    const claim = body as Claim;
    const { rows } = await pool.query<CitizenRow>(CITIZEN_SQL, [claim.personalId]);
    return { match: matches(claim, rows[0]) };
  };

  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
      await Promise.all(
        batch.messages.map(async (m) => {
          const reply = await answer(JSON.parse(String(m.value)));
          await producer.send({ topic: REPLIES, messages: [{ value: JSON.stringify(reply), headers: { id: m.headers?.['id'] ?? '' } }] });
        }),
      );
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    },
  });
  await joined;
  ready();
}

async function front(): Promise<void> {
  const kafka = new Kafka(kafkaClientConfig('floor-front', brokers));
  const producer = coalesceSends(kafka.producer({ allowAutoTopicCreation: false }));
  const consumer = kafka.consumer({ groupId: `${prefix}front-${randomUUID()}`, ...CONSUMER_TIMINGS });
  const pending = new Map<string, http.ServerResponse>();
  const okStatus = mode === 'notice' ? 201 : 200;
  const send = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: REPLIES, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }: EachBatchPayload) => {
      for (const m of batch.messages) {
        const id = String(m.headers?.['id'] ?? '');
        const res = pending.get(id);
        if (!res) continue;
        pending.delete(id);
        send(res, okStatus, String(m.value));
      }
    },
  });
  await joined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, '{"error":"malformed JSON"}');
      }
      if (mode === 'notice' ? !isNotice(body) : !isClaim(body)) return send(res, 400, '{"error":"invalid body"}');
      const id = randomUUID();
      pending.set(id, res);
      producer.send({ topic: REQUESTS, messages: [{ value: JSON.stringify(body), headers: { id } }] }).catch((err: Error) => {
        pending.delete(id);
        send(res, 503, JSON.stringify({ error: err.message }));
      });
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ready(typeof address === 'object' && address ? address.port : 0);
  });
}

const main = role === 'responder' ? responder : role === 'front' ? front : undefined;
if (!main || (mode !== 'verify' && mode !== 'notice')) {
  console.error('usage: FLOOR_MODE=verify|notice kafka-floor.ts responder|front');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
