/**
 * bench/identity: `POST /api/v1/identity/verify` through the gateway (token check, validation,
 * Kafka request/reply, the identity service's indexed read) against a registry of 100,000
 * citizens, beside a baseline that answers the same question from the same Postgres table in one
 * process (baseline-server.ts). Prints a table and writes bench/results/identity.json.
 *
 *   npx nx run-many -t build -p gateway identity-service residence-service lodging-service ops-cli
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/identity/identity.bench.ts
 *
 * It starts a stack of its own (the built apps, own databases and topic prefix, on the Postgres and
 * Kafka of DATABASE_URL / KAFKA_BROKERS, local defaults), seeds it with the seed command, waits
 * until the seeded events have been published and consumed, measures, and tears it all down.
 * Knobs: BENCH_CITIZENS (100000), BENCH_CONNECTIONS (32), BENCH_DURATION_S (20),
 * BENCH_WARMUP_S (5), BENCH_PARTITIONS (6). Not a test: it never fails on figures.
 */
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { databaseUrlFor, startTestStack, testKafka, type TestStack } from '@d06/testing';
import { startFloor } from '../floor/start-floor';

const ROOT = path.resolve(__dirname, '../..');
process.env['DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';
process.env['KAFKA_BROKERS'] ??= '127.0.0.1:9092';

const CITIZENS = Number(process.env['BENCH_CITIZENS'] ?? 100_000);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 20);
const WARMUP_S = Number(process.env['BENCH_WARMUP_S'] ?? 5);
// The platform's default (D06_TOPIC_PARTITIONS): request/reply runs one partition at a time each.
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 6);
const SAMPLE = 5000;

interface Measure {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
}

function say(message: string): void {
  console.log(`[bench:identity] ${message}`);
}

const databaseUrl = (database: string) => databaseUrlFor(process.env['DATABASE_URL'] as string, database);

async function seed(stack: TestStack): Promise<string> {
  const cli = path.join(ROOT, 'dist/apps/ops-cli/main.js');
  const child = spawn(process.execPath, [cli, 'seed', '--citizens', String(CITIZENS)], {
    cwd: ROOT,
    env: { ...process.env, IDENTITY_DATABASE: stack.databases['identity-service'] },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stdout.write(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`seed exited with ${code}`);
  return out.split('\n').find((l) => l.startsWith('seeded ')) ?? '';
}

/** Waits until the identity relay published every seeded event and every consumer of them caught up. */
async function waitForQuiet(stack: TestStack): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const [head] = await stack.query<{ head: string | null; published: string | null }>(
      'identity-service',
      'SELECT (SELECT max(position) FROM event_seals) AS head, (SELECT max(position) FROM relay_checkpoints) AS published',
    );
    if (head.head !== null && head.head === head.published) break;
    if (Date.now() > deadline) throw new Error('the identity relay did not catch up');
    await new Promise((r) => setTimeout(r, 1000));
  }
  const admin = testKafka(stack.infra, 'bench-identity').admin();
  await admin.connect();
  try {
    const topic = `${stack.prefix}identity.events`;
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(stack.prefix.replace(/\.$/, '')));
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      let lag = 0;
      for (const groupId of groups) {
        const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
        const partitions = committed[0]?.partitions ?? [];
        if (partitions.every((p) => p.offset === '-1')) continue; // not a consumer of identity.events
        for (const end of ends) {
          const at = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? 0);
          lag += Math.max(0, Number(end.offset) - Math.max(at, 0));
        }
      }
      if (lag === 0) return;
      if (Date.now() > deadline) throw new Error(`consumers of identity.events still ${lag} behind`);
      say(`waiting for the other services to consume the seeded events (${lag} behind)`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Verification bodies over a random sample: 80% true claims, 10% a wrong name, 10% unknown IDs. */
async function bodies(stack: TestStack): Promise<string[]> {
  const rows = await stack.query<{ personal_id: string; full_name: string; dob: string; gender: string }>(
    'identity-service',
    `SELECT personal_id, full_name, to_char(date_of_birth, 'YYYY-MM-DD') AS dob, gender FROM citizens ORDER BY md5(personal_id) LIMIT $1`,
    [SAMPLE],
  );
  return rows.map((r, i) => {
    if (i % 10 === 8) return JSON.stringify({ personalId: r.personal_id, fullName: `${r.full_name} Anh` });
    if (i % 10 === 9) return JSON.stringify({ personalId: `${r.personal_id.slice(0, 6)}${String((Number(r.personal_id.slice(6)) + 1) % 1_000_000).padStart(6, '0')}` });
    return JSON.stringify({ personalId: r.personal_id, fullName: r.full_name, dateOfBirth: r.dob, gender: r.gender });
  });
}

async function load(name: string, url: string, payloads: string[], headers: Record<string, string>, seconds: number): Promise<Measure> {
  let i = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: payloads[i++ % payloads.length] }) }],
  });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function startBaseline(identityDatabase: string): Promise<{ url: string; stop(): void }> {
  const child = fork(path.join(__dirname, 'baseline-server.ts'), [], {
    env: { ...process.env, BASELINE_DATABASE_URL: databaseUrl(identityDatabase) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/verify`, stop: () => child.kill('SIGTERM') };
}

function table(measures: Measure[]): string {
  const header = ['', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors'];
  const rows = measures.map((m) => [m.name, m.requestsPerSecond, m.p50Ms, m.p90Ms, m.p99Ms, m.maxMs, m.requests, m.non2xx, m.errors].map(String));
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  for (const app of ['gateway', 'identity-service', 'residence-service', 'lodging-service', 'ops-cli']) {
    if (!existsSync(path.join(ROOT, 'dist/apps', app, 'main.js'))) {
      throw new Error(`dist/apps/${app} is missing: npx nx run-many -t build -p gateway identity-service residence-service lodging-service ops-cli`);
    }
  }
  say('starting a stack of its own');
  const stack = await startTestStack({
    label: 'bench_identity',
    partitions: PARTITIONS,
    // Info-level request logs and the per-client rate limit (6,000/min) would measure themselves.
    env: { LOG_LEVEL: 'warn', GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  let baseline: { url: string; stop(): void } | undefined;
  let floor: { url: string; stop(): void } | undefined;
  try {
    say(`seeding ${CITIZENS} citizens`);
    const seeded = await seed(stack);
    await waitForQuiet(stack);
    const payloads = await bodies(stack);
    const token = await stack.token('portal');
    const probe = await stack.http('POST', '/identity/verify', { token, body: JSON.parse(payloads[0]) });
    if (probe.status !== 200 || probe.body?.match !== true) throw new Error(`verify probe: ${probe.status} ${JSON.stringify(probe.body)}`);
    baseline = await startBaseline(stack.databases['identity-service']);
    floor = await startFloor(stack, { mode: 'verify', service: 'identity-service', partitions: PARTITIONS });
    const gatewayUrl = `${stack.gatewayUrl}/api/v1/identity/verify`;
    const auth = { authorization: `Bearer ${token}` };

    // Load on the machine when measuring starts: other processes skew every figure on 2 cores.
    const loadAverage = os.loadavg();
    say(`baseline: ${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${CONNECTIONS} connections`);
    await load('warm-up', baseline.url, payloads, {}, WARMUP_S);
    const base = await load('baseline (node:http + pg, one process)', baseline.url, payloads, {}, DURATION_S);
    say(`floor: ${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${CONNECTIONS} connections`);
    await load('warm-up', floor.url, payloads, {}, WARMUP_S);
    const bare = await load('floor (node:http -> bare kafkajs hop -> pg)', floor.url, payloads, {}, DURATION_S);
    floor.stop();
    say(`gateway: ${WARMUP_S} s warm-up, ${DURATION_S} s measured, ${CONNECTIONS} connections`);
    await load('warm-up', gatewayUrl, payloads, auth, WARMUP_S);
    const full = await load('gateway -> Kafka -> identity service', gatewayUrl, payloads, auth, DURATION_S);

    const ratio = {
      throughput: Number((base.requestsPerSecond / Math.max(full.requestsPerSecond, 1)).toFixed(2)),
      p50: Number((full.p50Ms / Math.max(base.p50Ms, 1)).toFixed(2)),
      p99: Number((full.p99Ms / Math.max(base.p99Ms, 1)).toFixed(2)),
    };
    const floorRatio = {
      throughput: Number((bare.requestsPerSecond / Math.max(full.requestsPerSecond, 1)).toFixed(2)),
      p99: Number((full.p99Ms / Math.max(bare.p99Ms, 1)).toFixed(2)),
    };
    console.log(`\n${table([full, bare, base])}\n`);
    console.log(`baseline/gateway throughput ${ratio.throughput}x; gateway/baseline latency p50 ${ratio.p50}x, p99 ${ratio.p99}x`);
    console.log(`floor/gateway throughput ${floorRatio.throughput}x; gateway/floor latency p99 ${floorRatio.p99}x`);
    console.log(`floor: ${bare.requestsPerSecond >= 2000 && bare.p99Ms < 50 ? 'meets' : 'does not meet'} the target by itself`);
    console.log(`target (issue 5): >= 2000 verifications/s with p99 < 50 ms -> ${full.requestsPerSecond >= 2000 && full.p99Ms < 50 ? 'met' : 'not met'}\n`);

    const client = new Client({ connectionString: databaseUrl(stack.databases['identity-service']) });
    await client.connect();
    const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM citizens')).rows;
    await client.end();
    const results = {
      benchmark: 'identity verify',
      at: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
        loadAverageAtStart: loadAverage,
      },
      setup: { citizens: n, seeded, connections: CONNECTIONS, partitions: PARTITIONS, durationSeconds: DURATION_S, warmupSeconds: WARMUP_S, sample: payloads.length, mix: '80% true claims (all fields), 10% wrong name, 10% unknown id' },
      gateway: full,
      floor: bare,
      baseline: base,
      ratio,
      floorRatio,
      target: { requestsPerSecond: 2000, p99Ms: 50, met: full.requestsPerSecond >= 2000 && full.p99Ms < 50 },
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/identity.json'), `${JSON.stringify(results, null, 2)}\n`);
    say('wrote bench/results/identity.json');
  } finally {
    baseline?.stop();
    floor?.stop();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
