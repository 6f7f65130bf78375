/**
 * Event store benchmark: @d06/event-sourcing next to @event-driven-io/emmett-postgresql, on the
 * same Postgres, in one run. Prints a table and writes bench/results/event-store.json.
 *
 *   node -r @swc-node/register bench/event-store/event-store.bench.ts   (SWC_NODE_PROJECT=tsconfig.base.json)
 *   DATABASE_URL   Postgres server (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_EVENTS   events in the readAll/replay data set (default 1,000,000)
 *   BENCH_QUICK=1  a smoke run: small sizes everywhere
 *   BENCH_KEEP=1   keep the two benchmark databases afterwards
 *
 * Both stores get the same pool size, the same events, the same writers; the read model of the
 * replay rows is the same SQL for both (ours through replayProjection with shadow tables and a
 * swap; emmett's messages read with its own readMessagesBatch and applied in the same batches).
 */
import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import {
  defineProjection,
  EventStore,
  installEventStoreSchema,
  projectionChecksum,
  quietLogger,
  replayProjection,
  Sealer,
  type RecordedEvent,
} from '@d06/event-sourcing';

const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const quick = process.env['BENCH_QUICK'] === '1';
const replayEvents = Number(process.env['BENCH_EVENTS'] ?? (quick ? 20_000 : 1_000_000));
const keep = process.env['BENCH_KEEP'] === '1';
const POOL = 20;
const meta = { correlationId: 'bench', actor: { clientId: 'bench' } };

// ---------------------------------------------------------------------------------------------
// Set-up

function dbUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const suffix = randomBytes(3).toString('hex');
// Append scenarios and the readAll/replay data set live in separate databases, so that both
// stores read exactly the same N events.
const DATABASES = {
  oursAppend: `bench_es_ours_append_${suffix}`,
  emmettAppend: `bench_es_emmett_append_${suffix}`,
  ours: `bench_es_ours_${suffix}`,
  emmett: `bench_es_emmett_${suffix}`,
};

async function dropDatabases(): Promise<void> {
  await admin(async (c) => {
    for (const name of Object.values(DATABASES)) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

const READ_MODEL_SQL = `CREATE TABLE bench_citizens (stream_id text PRIMARY KEY, ward text NOT NULL, events int NOT NULL, version int NOT NULL)`;

/** One statement per batch: fold the batch per stream, then upsert. The same SQL for both stores. */
const APPLY_BATCH_SQL = `
  INSERT INTO bench_citizens AS c (stream_id, ward, events, version)
  SELECT stream_id, (array_agg(ward ORDER BY version DESC))[1], count(*), max(version)
    FROM unnest($1::text[], $2::text[], $3::int[]) AS e(stream_id, ward, version)
   GROUP BY stream_id
  ON CONFLICT (stream_id) DO UPDATE
    SET ward = EXCLUDED.ward, events = c.events + EXCLUDED.events, version = EXCLUDED.version`;

const APPLY_ONE_SQL = `
  INSERT INTO bench_citizens AS c (stream_id, ward, events, version) VALUES ($1, $2, 1, $3)
  ON CONFLICT (stream_id) DO UPDATE SET ward = EXCLUDED.ward, events = c.events + 1, version = EXCLUDED.version`;

interface ModelRow {
  stream_id: string;
  ward: string;
  version: number;
}

function columns(rows: readonly ModelRow[]): [string[], string[], number[]] {
  return [rows.map((r) => r.stream_id), rows.map((r) => r.ward), rows.map((r) => r.version)];
}

interface BenchEvent {
  type: 'CitizenRegistered' | 'CitizenMoved';
  data: Record<string, string>;
}

/** Deterministic events: stream s, version v. Registered first, then moves. */
function eventFor(s: number, v: number): BenchEvent {
  const ward = String(10000 + ((s * 7 + v) % 3000)).padStart(5, '0');
  if (v === 1) {
    return {
      type: 'CitizenRegistered',
      data: {
        personalId: `0010${String(90000000 + s).padStart(8, '0')}`,
        fullName: `Nguyễn Văn ${s}`,
        dateOfBirth: '1990-01-01',
        gender: 'MALE',
        ward,
      },
    };
  }
  return { type: 'CitizenMoved', data: { ward, movedOn: '2025-07-01' } };
}

// ---------------------------------------------------------------------------------------------
// The two stores behind one small interface

interface Subject {
  name: string;
  append(streamId: string, expectedVersion: number, events: BenchEvent[]): Promise<void>;
}

function oursSubject(store: EventStore): Subject {
  return {
    name: 'ours',
    async append(streamId, expected, events) {
      await store.append(streamId, expected === 0 ? 'no-stream' : expected, events, { meta });
    },
  };
}

type EmmettStore = ReturnType<typeof getPostgreSQLEventStore>;

function emmettSubject(store: EmmettStore): Subject {
  return {
    name: 'emmett',
    async append(streamId, expected, events) {
      await store.appendToStream(streamId, events, { expectedStreamVersion: BigInt(expected) });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Emmett's reader, driven the way its consumers drive it: `readMessagesBatch` from the last
// global position it returned. It only returns events below the transaction-id horizon, so when
// it runs dry it polls. It stops when every event was delivered, or nothing new came for
// `idleSeconds`, or after `capSeconds`; and counts what it delivered twice and what never came.

type EmmettBatch = Awaited<ReturnType<typeof readMessagesBatch>>;

interface EmmettReadStats {
  delivered: number;
  unique: number;
  duplicates: number;
  missing: number;
  /** Until the last new event arrived: the idle wait at the end is not reading work. */
  seconds: number;
}

async function readEmmett(
  execute: Parameters<typeof readMessagesBatch>[0],
  total: number,
  batchSize: number,
  limits: { idleSeconds: number; capSeconds: number },
  onBatch: (batch: EmmettBatch) => Promise<void>,
): Promise<EmmettReadStats> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const seen = new Set<string>();
  let delivered = 0;
  let after = -1n;
  let lastNew = elapsed();
  const read = () => readMessagesBatch(execute, after < 0n ? { from: 0n, batchSize } : { after, batchSize });
  let pending = read();
  while (seen.size < total && elapsed() < limits.capSeconds && elapsed() - lastNew < limits.idleSeconds) {
    const batch = await pending;
    if (batch.messages.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      pending = read();
      continue;
    }
    after = batch.currentGlobalPosition;
    pending = read();
    await onBatch(batch);
    delivered += batch.messages.length;
    for (const m of batch.messages) seen.add(String(m.metadata.messageId));
    lastNew = elapsed();
  }
  await pending.catch(() => undefined);
  return { delivered, unique: seen.size, duplicates: delivered - seen.size, missing: total - seen.size, seconds: lastNew };
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface AppendResult {
  appends: number;
  events: number;
  seconds: number;
  appendsPerSecond: number;
  eventsPerSecond: number;
}

/** One writer loop: `appends` appends of `eventsPerAppend` events over its own 50 streams. */
async function writeRound(subject: Subject, label: string, writers: number, appends: number, eventsPerAppend: number, versions: Map<string, number>): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < appends; i++) {
        const s = i % 50;
        const streamId = `${label}-${w}-${s}`;
        const version = versions.get(streamId) ?? 0;
        const events = Array.from({ length: eventsPerAppend }, (_, k) => eventFor(w * 1000 + s, version + k + 1));
        await subject.append(streamId, version, events);
        versions.set(streamId, version + eventsPerAppend);
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function rate(events: number, appends: number, seconds: number): AppendResult {
  return { appends, events, seconds, appendsPerSecond: appends / seconds, eventsPerSecond: events / seconds };
}

async function waitSealed(store: EventStore): Promise<number> {
  const started = process.hrtime.bigint();
  while ((await store.unsealedCount()) > 0) await new Promise((r) => setTimeout(r, 5));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function log(message: string): void {
  process.stdout.write(`[event-store bench] ${message}\n`);
}

interface Row {
  name: string;
  unit: string;
  ours: number;
  emmett: number | null;
  note?: string;
}

// ---------------------------------------------------------------------------------------------

interface Stores {
  ds: DataSource;
  store: EventStore;
  sealer: Sealer;
  emmett: EmmettStore;
  emmettExecute: ReturnType<typeof dumbo>;
  emmettPg: Pool;
  close(): Promise<void>;
}

async function openStores(oursDb: string, emmettDb: string): Promise<Stores> {
  const ds = await new DataSource({ type: 'postgres', url: dbUrl(oursDb), extra: { max: POOL }, logging: false }).initialize();
  await installEventStoreSchema(ds);
  await ds.query(READ_MODEL_SQL);
  const store = new EventStore({ dataSource: ds, service: 'identity', logger: quietLogger });
  const sealer = new Sealer({ store, logger: quietLogger });
  const emmettPgPool = new Pool({ connectionString: dbUrl(emmettDb), max: POOL });
  // Idle clients of a pool report a dropped database as an 'error' event: not a crash.
  emmettPgPool.on('error', () => undefined);
  const emmettPool = dumbo({ connectionString: dbUrl(emmettDb), pool: emmettPgPool });
  const emmett = getPostgreSQLEventStore(dbUrl(emmettDb), { connectionOptions: { dumbo: emmettPool } });
  await emmett.schema.migrate();
  const emmettPg = new Pool({ connectionString: dbUrl(emmettDb), max: 4 });
  emmettPg.on('error', () => undefined);
  await emmettPg.query(READ_MODEL_SQL);
  return {
    ds,
    store,
    sealer,
    emmett,
    emmettExecute: emmettPool,
    emmettPg,
    async close() {
      await sealer.stop();
      await ds.destroy();
      await emmett.close();
      await emmettPg.end();
      await emmettPgPool.end().catch(() => undefined);
    },
  };
}

async function postgresStartedAt(): Promise<string> {
  return admin(async (c) => String((await c.query('SELECT pg_postmaster_start_time() AS t')).rows[0].t));
}

async function main(): Promise<void> {
  // Fault tests elsewhere on a shared server may restart Postgres: such a run is not a measurement.
  const startedAt = await postgresStartedAt();
  await admin(async (c) => {
    for (const name of Object.values(DATABASES)) await c.query(`CREATE DATABASE ${name}`);
  });
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};

  // ---- Appends -------------------------------------------------------------------------------
  {
    const a = await openStores(DATABASES.oursAppend, DATABASES.emmettAppend);
    const ours = oursSubject(a.store);
    const theirs = emmettSubject(a.emmett);
    const scenarios: { writers: number; perWriter: number; events: number }[] = [
      { writers: 1, perWriter: quick ? 300 : 3000, events: 1 },
      { writers: 1, perWriter: quick ? 150 : 1500, events: 10 },
      { writers: 16, perWriter: quick ? 60 : 500, events: 1 },
      { writers: 16, perWriter: quick ? 30 : 250, events: 10 },
    ];
    // Rounds alternate between the contenders so that a noisy neighbour on the machine hits
    // both alike instead of whichever happened to run during the noise.
    const rounds = 10;
    for (const sc of scenarios) {
      const label = `w${sc.writers}e${sc.events}`;
      const perRound = Math.ceil(sc.perWriter / rounds);
      const versions = new Map<string, number>();
      const emmettVersions = new Map<string, number>();
      await writeRound(theirs, `warm-${label}`, sc.writers, 5, sc.events, emmettVersions);
      await writeRound(ours, `warm-${label}`, sc.writers, 5, sc.events, versions);
      await a.sealer.sealAll();
      let oursSeconds = 0;
      let drainSeconds = 0;
      let bareSeconds = 0;
      let sealSeconds = 0;
      let sealedEvents = 0;
      let emmettSeconds = 0;
      for (let round = 0; round < rounds; round++) {
        // Ours as a service runs it: the sealer live, poked after each commit.
        a.sealer.start();
        oursSeconds += await writeRound(ours, `sealed-${label}`, sc.writers, perRound, sc.events, versions);
        drainSeconds = Math.max(drainSeconds, await waitSealed(a.store));
        await a.sealer.stop();
        emmettSeconds += await writeRound(theirs, label, sc.writers, perRound, sc.events, emmettVersions);
        // Ours without the sealer: the bare append; then the sealer alone on that backlog.
        bareSeconds += await writeRound(ours, `bare-${label}`, sc.writers, perRound, sc.events, versions);
        const sealStart = process.hrtime.bigint();
        sealedEvents += await a.sealer.sealAll();
        sealSeconds += Number(process.hrtime.bigint() - sealStart) / 1e9;
      }
      const appends = sc.writers * perRound * rounds;
      const events = appends * sc.events;
      const oursRun = rate(events, appends, oursSeconds);
      const bare = rate(events, appends, bareSeconds);
      const theirsRun = rate(events, appends, emmettSeconds);
      const name = `append, ${sc.writers} writer${sc.writers > 1 ? 's' : ''}, ${sc.events} event${sc.events > 1 ? 's' : ''}/append`;
      rows.push({ name, unit: 'events/s', ours: oursRun.eventsPerSecond, emmett: theirsRun.eventsPerSecond, note: `${fmt(oursRun.appendsPerSecond)} vs ${fmt(theirsRun.appendsPerSecond)} appends/s; ours with its sealer running` });
      rows.push({
        name: `  ...ours, sealed (positions + hash chain)`,
        unit: 'events/s',
        ours: events / (oursSeconds + drainSeconds),
        emmett: null,
        note: `the last event of a round was sealed at most ${fmt(drainSeconds * 1000)} ms after its append returned`,
      });
      rows.push({ name: `  ...ours without the sealer running`, unit: 'events/s', ours: bare.eventsPerSecond, emmett: null, note: `sealing that backlog afterwards: ${fmt(sealedEvents / sealSeconds)} events/s` });
      details[label] = { ours: oursRun, oursMaxDrainSeconds: drainSeconds, oursWithoutSealer: bare, sealBacklog: { events: sealedEvents, seconds: sealSeconds }, emmett: theirsRun };
      log(`${name}: ours ${fmt(oursRun.eventsPerSecond)} ev/s (sealed within ${fmt(drainSeconds * 1000)} ms), bare ${fmt(bare.eventsPerSecond)}, emmett ${fmt(theirsRun.eventsPerSecond)}`);
    }
    await a.close();
  }

  const data = await openStores(DATABASES.ours, DATABASES.emmett);
  const { ds, store, sealer, emmett, emmettExecute: emmettPool, emmettPg } = data;

  // ---- Data set for readAll / replay ----------------------------------------------------------
  const perStream = 4;
  const streams = Math.ceil(replayEvents / perStream);
  log(`loading ${fmt(streams * perStream)} events (${fmt(streams)} streams x ${perStream}) into both stores`);
  sealer.start();
  const loadStart = process.hrtime.bigint();
  const chunk = 1000;
  for (let from = 0; from < streams; from += chunk) {
    const appends = [];
    for (let s = from; s < Math.min(streams, from + chunk); s++) {
      appends.push({
        streamId: `citizen-${s}`,
        expectedVersion: 'no-stream' as const,
        events: Array.from({ length: perStream }, (_, k) => eventFor(s, k + 1)),
      });
    }
    await store.appendMany(appends, { meta });
  }
  const loadAppendSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
  await waitSealed(store);
  const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
  await sealer.stop();
  log(`ours: appendMany ${fmt((streams * perStream) / loadAppendSeconds)} events/s, sealed ${fmt((streams * perStream) / loadSeconds)} events/s`);

  const emmettLoadStart = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (;;) {
        const s = next++;
        if (s >= streams) return;
        await emmett.appendToStream(`citizen-${s}`, Array.from({ length: perStream }, (_, k) => eventFor(s, k + 1)), {
          expectedStreamVersion: 0n,
        });
      }
    }),
  );
  const emmettLoadSeconds = Number(process.hrtime.bigint() - emmettLoadStart) / 1e9;
  log(`emmett: ${fmt((streams * perStream) / emmettLoadSeconds)} events/s (16 writers, ${perStream} events/append)`);
  rows.push({
    name: `bulk load ${fmt(streams * perStream)} events (${perStream}/stream)`,
    unit: 'events/s',
    ours: (streams * perStream) / loadSeconds,
    emmett: (streams * perStream) / emmettLoadSeconds,
    note: `ours: appendMany of ${chunk} streams/transaction, sealing included; emmett: 16 writers x appendToStream`,
  });
  await ds.query('VACUUM ANALYZE events');
  await emmettPg.query('VACUUM ANALYZE emt_messages');

  // ---- readAll --------------------------------------------------------------------------------
  // Each reader reads the whole data set in batches of 1000, or for at most `readCapSeconds`.
  // Emmett's reader only returns events below the transaction-id horizon (an open transaction
  // anywhere on the server holds it back), so when it runs dry early it polls, as its consumer does.
  const total = streams * perStream;
  const readBatch = 1000;
  const readCapSeconds = quick ? 30 : 90;
  const t = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t) / 1e9;
  let read = 0;
  for (let after = 0; elapsed() < readCapSeconds; ) {
    const batch = await store.readAll(after, readBatch);
    if (batch.length === 0) break;
    read += batch.length;
    after = batch[batch.length - 1].position;
  }
  const oursRead = read / elapsed();
  const emmettReadStats = await readEmmett(emmettPool.execute, total, readBatch, { idleSeconds: 15, capSeconds: readCapSeconds }, async () => undefined);
  const emmettRead = emmettReadStats.delivered;
  const emmettReadRate = emmettRead / emmettReadStats.seconds;
  rows.push({
    name: `readAll, batches of ${readBatch}`,
    unit: 'events/s',
    ours: oursRead,
    emmett: emmettReadRate,
    note:
      `ours read ${fmt(read)} of ${fmt(total)}; emmett ${fmt(emmettReadStats.unique)} distinct` +
      ` (+${fmt(emmettReadStats.duplicates)} repeated) in ${fmt(emmettReadStats.seconds)} s (cap ${readCapSeconds} s)`,
  });
  details['readAll'] = { ours: { events: read, perSecond: oursRead }, emmett: emmettReadStats };
  log(`readAll: ours ${fmt(oursRead)} ev/s (${read}), emmett ${fmt(emmettReadRate)} ev/s (${emmettRead})`);

  // ---- Replay into a simple read model --------------------------------------------------------
  const toRow = (e: RecordedEvent) => ({ stream_id: e.streamId, ward: (e.data as { ward: string }).ward, version: e.streamVersion });
  const batchProjection = defineProjection({
    name: 'bench_citizens',
    tables: ['bench_citizens'],
    eventTypes: ['CitizenRegistered', 'CitizenMoved'],
    applyBatch: async (events, manager: EntityManager) => {
      await manager.query(APPLY_BATCH_SQL, columns(events.map(toRow)));
    },
  });
  const replayBatch = 5000;
  let applyRate = 0;
  const oursReplay = await replayProjection(ds, store, batchProjection, {
    batchSize: replayBatch,
    logger: quietLogger,
    onProgress: (p) => (applyRate = p.eventsPerSecond),
  });
  const oursReplayRate = oursReplay.events / (oursReplay.durationMs / 1000);
  log(`replay (ours): ${fmt(oursReplay.events)} events in ${fmt(oursReplay.durationMs)} ms = ${fmt(oursReplayRate)} ev/s, ${oursReplay.rows} rows`);

  const emmettClient = await emmettPg.connect();
  // A checked-out client reports a dropped connection as an event; the pending query fails anyway.
  emmettClient.on('error', () => undefined);
  let emmettReplay: EmmettReadStats;
  try {
    emmettReplay = await readEmmett(emmettPool.execute, total, replayBatch, { idleSeconds: 15, capSeconds: 3600 }, async (batch) => {
      const batchRows = batch.messages.map((m) => ({
        stream_id: String(m.metadata.streamName),
        ward: (m.data as { ward: string }).ward,
        version: Number(m.metadata.streamPosition),
      }));
      await emmettClient.query('BEGIN');
      await emmettClient.query(APPLY_BATCH_SQL, columns(batchRows));
      await emmettClient.query('COMMIT');
    });
  } finally {
    emmettClient.release();
  }
  const emmettReplayed = emmettReplay.delivered;
  const emmettReplaySeconds = emmettReplay.seconds;
  const emmettReplayRate = emmettReplayed / emmettReplaySeconds;
  log(`replay (emmett): ${fmt(emmettReplayed)} events in ${fmt(emmettReplaySeconds * 1000)} ms = ${fmt(emmettReplayRate)} ev/s (${emmettReplay.duplicates} repeated, ${emmettReplay.missing} missing)`);
  const oursModel = await projectionChecksum(ds, 'public', ['bench_citizens']);
  const emmettModelDs = await new DataSource({ type: 'postgres', url: dbUrl(DATABASES.emmett), extra: { max: 2 }, logging: false }).initialize();
  const emmettModel = await projectionChecksum(emmettModelDs, 'public', ['bench_citizens']);
  await emmettModelDs.destroy();
  rows.push({
    name: `replay ${fmt(oursReplay.events)} events into a read model`,
    unit: 'events/s',
    ours: oursReplayRate,
    emmett: emmettReplayRate,
    note:
      `batch projection, ${replayBatch}/transaction; ours: apply phase ${fmt(applyRate)} ev/s, the rest is shadow tables, ` +
      `checksums, swap; read models ${oursModel.checksum === emmettModel.checksum ? 'identical' : 'DIFFER'} ` +
      `(emmett's reader repeated ${fmt(emmettReplay.duplicates)} and never delivered ${fmt(emmettReplay.missing)} events)`,
  });
  details['replay'] = {
    ours: { events: oursReplay.events, ms: oursReplay.durationMs, applyPhasePerSecond: applyRate, rows: oursReplay.rows, checksum: oursModel.checksum },
    emmett: { ...emmettReplay, rows: emmettModel.rows, checksum: emmettModel.checksum },
  };

  // The per-event form of the same projection, to show what one round trip per event costs.
  const perEvent = defineProjection({
    name: 'bench_citizens',
    tables: ['bench_citizens'],
    handlers: {
      CitizenRegistered: async (e, manager) => void (await manager.query(APPLY_ONE_SQL, [e.streamId, (e.data as { ward: string }).ward, e.streamVersion])),
      CitizenMoved: async (e, manager) => void (await manager.query(APPLY_ONE_SQL, [e.streamId, (e.data as { ward: string }).ward, e.streamVersion])),
    },
  });
  const perEventLimit = Math.min(total, quick ? 10_000 : 100_000);
  const perEventReplay = await replayProjection(ds, store, perEvent, { toPosition: perEventLimit, batchSize: replayBatch, logger: quietLogger });
  await ds.query(`DROP SCHEMA ${perEventReplay.schema} CASCADE`);
  const perEventRate = perEventReplay.events / (perEventReplay.durationMs / 1000);
  rows.push({ name: `  ...per-event handlers (first ${fmt(perEventLimit)} events)`, unit: 'events/s', ours: perEventRate, emmett: null, note: 'one INSERT round trip per event' });
  log(`replay per-event (ours): ${fmt(perEventRate)} ev/s`);

  const verifyStart = process.hrtime.bigint();
  const verified = await store.verify();
  const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
  rows.push({ name: `verify() the whole chain`, unit: 'events/s', ours: (verified.ok ? verified.count : 0) / verifySeconds, emmett: null, note: verified.ok ? `${fmt(verified.count)} events intact` : `BROKEN at ${verified.position}` });

  // ---- Report ---------------------------------------------------------------------------------
  const pgVersion = (await ds.query('SHOW server_version'))[0].server_version as string;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion,
    loadAverageAtEnd: os.loadavg(),
    nproc: safe(() => execSync('nproc').toString().trim()),
    free: safe(() => execSync('free -m').toString().trim()),
  };
  const header = ['', 'ours', 'emmett', 'ours/emmett', ''];
  const table = rows.map((r) => [
    r.name,
    `${fmt(r.ours)} ${r.unit}`,
    r.emmett === null ? '' : `${fmt(r.emmett)} ${r.unit}`,
    r.emmett === null ? '' : `${fmt(r.ours / r.emmett, 2)}x`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}\n\n`);
  process.stdout.write(`machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, Postgres ${pgVersion}, load average at end ${machine.loadAverageAtEnd.map((l) => l.toFixed(1)).join(' ')}\n`);

  const postgresRestarted = (await postgresStartedAt()) !== startedAt;
  if (postgresRestarted) process.stdout.write('WARNING: Postgres restarted during the run; these figures are not valid.\n');
  const resultsDir = path.resolve(__dirname, '../results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, 'event-store.json'),
    JSON.stringify(
      { at: new Date().toISOString(), quick, replayEvents: total, postgresRestarted, machine, rows, details, peer: '@event-driven-io/emmett-postgresql 0.42.0' },
      null,
      2,
    ),
  );

  await data.close();
  if (!keep) await dropDatabases();
}

function safe(fn: () => string): string | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

main().catch(async (err) => {
  process.stderr.write(`event-store bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  if (!keep) await dropDatabases().catch(() => undefined);
  process.exit(1);
});
