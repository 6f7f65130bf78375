/**
 * Residence dossiers through the gateway (issue 6): dossier submissions posted with autocannon
 * (submissions/s and latency of the whole path: HTTP -> gateway -> Kafka request/reply ->
 * residence service -> Postgres append + inline projections -> reply), then the same load with
 * officers approving dossiers at the same time, timing each approval until the identity read
 * model shows the new address (GET /citizens/{id}): the propagation lag of
 * residence -> residence.events -> identity consumer -> identity store and read model, under load.
 * Prints a table and writes bench/results/residence.json.
 *
 * Which stack: by default its own (the four built apps from dist/, via @d06/testing's
 * startTestStack, fresh topic prefix and databases, 6 partitions) with the gateway's per-client
 * rate limit lifted and logs at warn. RESIDENCE_BENCH_GATEWAY_URL measures a running stack
 * instead (its rate limit then applies: 429s are counted, not hidden).
 *
 *   node -r @swc-node/register bench/residence/residence.bench.ts   (SWC_NODE_PROJECT=tsconfig.base.json)
 *   BENCH_QUICK=1 ...                5 s per phase, 1,000 citizens
 *   RESIDENCE_BENCH_SECONDS, RESIDENCE_BENCH_CONNECTIONS, RESIDENCE_BENCH_CITIZENS,
 *   RESIDENCE_BENCH_APPROVERS, RESIDENCE_BENCH_POLL_MS                               overrides
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { listWards } from '@d06/reference-data';
import { startTestStack, type TestStack } from '@d06/testing';
import { openLoop } from '../common/open-loop';

const ROOT = path.resolve(__dirname, '../..');
const QUICK = process.env['BENCH_QUICK'] === '1';
const SECONDS = Number(process.env['RESIDENCE_BENCH_SECONDS'] ?? (QUICK ? 5 : 20));
const WARMUP_SECONDS = QUICK ? 2 : 5;
const CONNECTIONS = Number(process.env['RESIDENCE_BENCH_CONNECTIONS'] ?? 64);
const CITIZENS = Number(process.env['RESIDENCE_BENCH_CITIZENS'] ?? (QUICK ? 1000 : 4000));
/** Officers approving at once during the mixed phase; each waits for its approval to show. */
const APPROVERS = Number(process.env['RESIDENCE_BENCH_APPROVERS'] ?? 8);
const POLL_MS = Number(process.env['RESIDENCE_BENCH_POLL_MS'] ?? 20);
/** Approvals timed one at a time per approver with no submissions running: the baseline lag. */
const IDLE_APPROVALS = Number(process.env['RESIDENCE_BENCH_IDLE_APPROVALS'] ?? (QUICK ? 16 : 64));
/** The target as stated, offered on a fixed schedule (bench/common/open-loop.ts). */
const TARGET_RATE = 1000;
const OPEN_LOOP_CONNECTIONS = 256;
const TARGET = { submissionsPerSecond: 1000, p99Ms: 100, propagationP99Ms: 1000 };

interface Address {
  provinceCode: string;
  wardCode: string;
  detail: string;
}

interface Submitted {
  dossierId: string;
  applicantId: string;
  address: Address;
}

interface LoadRow {
  phase: string;
  connections: number;
  seconds: number;
  submissions: number;
  submissionsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  rateLimited: number;
  /** Responses by HTTP status (what the non-2xx were). */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

interface PropagationResult {
  phase: string;
  approvals: number;
  approvalsPerSecond: number;
  refused: number;
  /** Approval answers by HTTP status. */
  statuses: Record<string, number>;
  timedOut: number;
  approvalP50Ms: number;
  approvalP99Ms: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  pollIntervalMs: number;
}

const WARDS = listWards('01').slice(0, 40);

async function json(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function token(base: string, clientId: string): Promise<string> {
  const res = await json(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-local-secret` }),
  });
  if (res.status !== 200) throw new Error(`token ${clientId}: ${res.status} ${JSON.stringify(res.body)}`);
  return `Bearer ${String(res.body['access_token'])}`;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** A valid personal ID (Hà Nội, female, born 1992), unique per run. */
function personalIdOf(n: number, run: number): string {
  return `001192${String(run).padStart(2, '0')}${String(n).padStart(4, '0')}`;
}

/**
 * The population: registered through the API (POST /citizens, as an officer), permanent
 * addresses over 40 wards of Hà Nội. The residence service learns of them from identity.events;
 * the load starts once it knows them all.
 */
async function seedCitizens(base: string, officer: string, stack: TestStack | undefined): Promise<string[]> {
  const run = Math.floor(Math.random() * 100);
  const ids = Array.from({ length: CITIZENS }, (_, i) => personalIdOf(i, run));
  const started = performance.now();
  let failed = 0;
  await pool(ids, 32, async (personalId) => {
    const ward = WARDS[Number(personalId.slice(-4)) % WARDS.length];
    const res = await json(`${base}/api/v1/citizens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: officer },
      body: JSON.stringify({ personalId, fullName: 'Lê Thị Hoa', dateOfBirth: '1992-04-30', gender: 'FEMALE', permanentAddress: { provinceCode: '01', wardCode: ward.code, detail: `${personalId} Bench street` } }),
    });
    if (res.status !== 201 && res.status !== 409) failed++;
  });
  if (failed > 0) throw new Error(`${failed} citizens could not be registered`);
  console.log(`[residence] registered ${ids.length} citizens in ${Math.round(performance.now() - started)} ms`);
  if (stack) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = await stack.query<{ n: string }>('residence-service', 'SELECT count(*) AS n FROM known_citizens WHERE personal_id = ANY($1::text[])', [ids]);
      if (Number(row.n) === ids.length) break;
      if (Date.now() > deadline) throw new Error(`the residence service knows ${row.n} of ${ids.length} citizens after 2 min`);
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`[residence] the residence service knows them all after ${Math.round(performance.now() - started)} ms`);
  } else {
    await new Promise((r) => setTimeout(r, 5000));
  }
  return ids;
}

let serial = 0;
function submissionBody(applicants: readonly string[]): { body: string; address: Address; applicantId: string } {
  serial += 1;
  const applicantId = applicants[serial % applicants.length];
  const ward = WARDS[serial % WARDS.length];
  // A detail unique to the dossier: the identity read model then shows exactly this one.
  const address = { provinceCode: '01', wardCode: ward.code, detail: `Room ${serial}, ${ward.name}` };
  return { applicantId, address, body: JSON.stringify({ procedure: 'TEMPORARY_REGISTRATION', applicantId, address, endDate: '2027-12-31', reason: 'Làm việc' }) };
}

type LoadResult = autocannon.Result & { rateLimited: number; statuses: Record<string, number> };

function submissions(base: string, portal: string, applicants: readonly string[], seconds: number, sink: Submitted[] | null): Promise<LoadResult> {
  let rateLimited = 0;
  const statuses: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}/api/v1/residence/dossiers`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        headers: { 'content-type': 'application/json', authorization: portal },
        requests: [
          {
            setupRequest: (req) => ({ ...req, body: submissionBody(applicants).body }),
            onResponse: (status, body) => {
              statuses[status] = (statuses[status] ?? 0) + 1;
              if (status === 429) rateLimited++;
              if (status !== 201 || !sink) return;
              const d = JSON.parse(body) as { dossierId: string; applicantId: string; address: Address };
              sink.push({ dossierId: d.dossierId, applicantId: d.applicantId, address: d.address });
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve({ ...result, rateLimited, statuses })),
    );
    instance.on('error', reject);
  });
}

function loadRow(phase: string, r: LoadResult): LoadRow {
  const n = r['2xx'];
  return {
    phase,
    connections: CONNECTIONS,
    seconds: r.duration,
    submissions: n,
    submissionsPerSecond: Math.round(n / r.duration),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    non2xx: r.non2xx,
    rateLimited: r.rateLimited,
    statuses: r.statuses,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

/**
 * Officers approve one dossier each at a time until `stop()`: approval (POST decision), then
 * GET /citizens/{applicant} every POLL_MS until the temporary address is the dossier's. Each
 * applicant is approved at most once, so the address shown can only be this approval's.
 */
async function approvals(phase: string, base: string, officer: string, queue: Submitted[], stopped: () => boolean): Promise<PropagationResult> {
  const lags: number[] = [];
  const statuses: Record<string, number> = {};
  const approvalLatencies: number[] = [];
  let refused = 0;
  let timedOut = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: APPROVERS }, async () => {
      while (!stopped()) {
        const next = queue.shift();
        if (!next) return;
        const a0 = performance.now();
        const res = await fetch(`${base}/api/v1/residence/dossiers/${next.dossierId}/decision`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: officer },
          body: JSON.stringify({ outcome: 'APPROVED' }),
        });
        await res.arrayBuffer();
        const t0 = performance.now();
        approvalLatencies.push(t0 - a0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200) {
          refused++;
          continue;
        }
        for (;;) {
          const citizen = await json(`${base}/api/v1/citizens/${next.applicantId}`, { headers: { authorization: officer } });
          if (citizen.status === 200 && isDeepStrictEqual(citizen.body['temporaryAddress'], next.address)) {
            lags.push(performance.now() - t0);
            break;
          }
          if (performance.now() - t0 > 30_000) {
            timedOut++;
            break;
          }
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  lags.sort((x, y) => x - y);
  approvalLatencies.sort((x, y) => x - y);
  return {
    phase,
    approvals: lags.length,
    approvalsPerSecond: Math.round((lags.length / seconds) * 10) / 10,
    refused,
    statuses,
    timedOut,
    approvalP50Ms: percentile(approvalLatencies, 50),
    approvalP99Ms: percentile(approvalLatencies, 99),
    p50Ms: percentile(lags, 50),
    p90Ms: percentile(lags, 90),
    p99Ms: percentile(lags, 99),
    maxMs: Math.round(lags[lags.length - 1] ?? 0),
    pollIntervalMs: POLL_MS,
  };
}

function table(head: string[], lines: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  let stack: TestStack | undefined;
  let base = process.env['RESIDENCE_BENCH_GATEWAY_URL'];
  if (!base) {
    console.log('[residence] starting a stack of its own (6 partitions, rate limit lifted, logs at warn)...');
    stack = await startTestStack({
      label: 'bench_residence',
      partitions: 6,
      env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', D06_TEST_LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    });
    base = stack.gatewayUrl;
  }
  try {
    const [portal, officer] = await Promise.all([token(base, 'portal'), token(base, 'officer')]);
    const applicants = await seedCitizens(base, officer, stack);

    console.log(`[residence] submissions: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s with ${CONNECTIONS} connections`);
    const pool: Submitted[] = [];
    await submissions(base, portal, applicants, WARMUP_SECONDS, pool);
    const alone = loadRow('submissions', await submissions(base, portal, applicants, SECONDS, null));

    // The same submissions arriving at 1,000/s whatever the answers do, latency from when each was due.
    console.log(`[residence] submissions at ${TARGET_RATE}/s offered: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s`);
    const offeredRun = (seconds: number) =>
      openLoop({
        url: `${base}/api/v1/residence/dossiers`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: portal },
        body: () => submissionBody(applicants).body,
        ratePerSecond: TARGET_RATE,
        seconds,
        connections: OPEN_LOOP_CONNECTIONS,
      });
    await offeredRun(WARMUP_SECONDS);
    await new Promise((r) => setTimeout(r, 2000));
    const o = await offeredRun(SECONDS);
    const offered: LoadRow = {
      phase: `submissions, ${TARGET_RATE}/s offered`,
      connections: OPEN_LOOP_CONNECTIONS,
      seconds: SECONDS,
      submissions: o.ok,
      submissionsPerSecond: o.okPerSecond,
      p50Ms: o.p50Ms,
      p90Ms: o.p90Ms,
      p99Ms: o.p99Ms,
      maxMs: o.maxMs,
      non2xx: o.non2xx,
      rateLimited: o.statuses['429'] ?? 0,
      statuses: o.statuses,
      errors: o.errors,
      timeouts: 0,
    };

    // Each applicant is approved at most once over both phases: the address shown is then this approval's.
    const seen = new Set<string>();
    const queue = pool.filter((c) => (seen.has(c.applicantId) ? false : (seen.add(c.applicantId), true)));
    const idleQueue = queue.splice(0, Math.min(IDLE_APPROVALS, Math.floor(queue.length / 4)));
    console.log(`[residence] ${idleQueue.length} approvals without other load (baseline)`);
    const idle = await approvals('no other load', base, officer, idleQueue, () => false);

    console.log(`[residence] submissions + ${APPROVERS} approvers polling GET /citizens every ${POLL_MS} ms, ${SECONDS} s`);
    let done = false;
    const load = submissions(base, portal, applicants, SECONDS, null).finally(() => {
      done = true;
    });
    const underLoad = await approvals('under submission load', base, officer, queue, () => done);
    const mixed = loadRow('submissions + approvals', await load);
    underLoad.phase = `under ${mixed.submissionsPerSecond} submissions/s`;
    const propagation = underLoad;

    const rows = [alone, offered, mixed];
    console.log(
      `\n${table(
        ['phase', 'conns', 'submissions/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'statuses'],
        rows.map((r) => [r.phase, r.connections, r.submissionsPerSecond, r.p50Ms, r.p90Ms, r.p99Ms, r.maxMs, r.non2xx, r.errors + r.timeouts, JSON.stringify(r.statuses)].map(String)),
      )}\n`,
    );
    console.log(
      `${table(
        ['approval -> GET /citizens shows it', 'approvals', 'approvals/s', 'approve p50', 'lag p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'refused', 'timed out'],
        [idle, underLoad].map((p) => [p.phase, p.approvals, p.approvalsPerSecond, p.approvalP50Ms, p.p50Ms, p.p90Ms, p.p99Ms, p.maxMs, p.refused, p.timedOut].map(String)),
      )}\n`,
    );
    console.log(
      `[residence] targets: ${TARGET.submissionsPerSecond} submissions/s with p99 < ${TARGET.p99Ms} ms -> closed loop (${CONNECTIONS} connections) ${alone.submissionsPerSecond}/s, p99 ${alone.p99Ms} ms; ` +
        `at ${TARGET_RATE}/s offered ${offered.submissionsPerSecond}/s answered, p99 ${offered.p99Ms} ms; ` +
        `propagation p99 < ${TARGET.propagationP99Ms} ms at that load -> p99 ${propagation.p99Ms} ms at ${mixed.submissionsPerSecond} submissions/s`,
    );
    const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      path.join(ROOT, 'bench/results/residence.json'),
      JSON.stringify(
        {
          benchmark: 'residence',
          at: new Date().toISOString(),
          machine,
          stack: stack ? 'own (startTestStack, 6 partitions, rate limit lifted, LOG_LEVEL=warn)' : base,
          citizens: CITIZENS,
          approvers: APPROVERS,
          target: TARGET,
          met: {
            submissions: alone.submissionsPerSecond >= TARGET.submissionsPerSecond && alone.p99Ms < TARGET.p99Ms,
            submissionsAtOfferedRate: offered.submissionsPerSecond >= 0.99 * TARGET_RATE && offered.p99Ms < TARGET.p99Ms,
            propagation: propagation.p99Ms < TARGET.propagationP99Ms && mixed.submissionsPerSecond >= TARGET.submissionsPerSecond,
          },
          loadAverageAtEnd: os.loadavg(),
          results: { load: rows, propagation: [idle, underLoad] },
        },
        null,
        2,
      ),
    );
    console.log('[residence] wrote bench/results/residence.json');
  } finally {
    await stack?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
