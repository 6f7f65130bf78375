/**
 * The mixed load (issue 9, part 2) at rising fixed arrival rates, through the whole platform and,
 * in the same run, through a baseline (bench/baseline/baseline-app.ts: one NestJS process on one
 * Postgres database, no events, no Kafka) doing the same writes.
 *
 * The mix, per request: 40 % lodging notice (1 guest), 25 % citizen registration, 20 % residence
 * submission, 15 % decision (approval) of an earlier submission. Every request carries its own
 * Idempotency-Key. Open loop: requests are issued on a fixed schedule whatever the answers do;
 * when more than MAX_IN_FLIGHT are outstanding the schedule sheds (counted): that is saturation.
 * And beside them, in the same run, the floor of the architecture (bench/floor/kafka-floor.ts,
 * notice mode): an HTTP front and a responder with no code of ours beyond one Kafka request/reply
 * hop, one fsync'd append and one published event per request. Every request of the mix does at
 * least that on the platform, so the floor's figures at a rate bound what any code on this
 * architecture can reach on this machine at that rate. It gets a 1-guest notice for every request.
 * Per step: achieved 2xx/s, p50/p99 latency, non-2xx, shed; for the platform also the event
 * propagation lag (an approval's 200 -> the identity read model shows the new address, measured by
 * a sampler that submits and approves its own dossiers under the load) and each process's CPU
 * (share of one core) and peak RSS, from /proc.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/mixed-load/mixed-load.bench.ts
 *   MIXED_RATES=100,200,400,600,900,1200   MIXED_SECONDS=20   BENCH_QUICK=1 (5 s per step)
 *   MIXED_REPLICAS=1,2           one platform run per entry, with that many instances of each app
 *                                (the baseline and the floor run beside the first)
 *   MIXED_FLOOR=0                leaves the floor out
 *   MIXED_WARMUP_SECONDS=10      an unmeasured step at the first rate before each target's first (0: none)
 *   DATABASE_URL, KAFKA_BROKERS: as for the tests (npm run bench sets them)
 * Always starts a stack of its own (startTestStack: rate limit lifted, 12 partitions, logs at warn)
 * so that it can find its processes; GATEWAY_URL from bench/run.mjs is ignored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { listWards } from '@d06/reference-data';
import { databaseUrlFor, freePort, sleep, startTestStack, uniqueName } from '@d06/testing';
import { CLK_TCK, cpuTicks, rssMiB } from '../common/proc-stats';
import { settle, stackPids } from '../common/stack-processes';
import { startFloor } from '../floor/start-floor';

const ROOT = path.resolve(__dirname, '../..');
const QUICK = process.env['BENCH_QUICK'] === '1';
// Up to 1,200/s: the ratio is taken between the best rates, so the baseline must reach its own
// ceiling too (on a quick VM it kept up with 900/s and saturated at ~1,200/s).
const RATES = (process.env['MIXED_RATES'] ?? '100,200,400,600,900,1200').split(',').map(Number);
const SECONDS = Number(process.env['MIXED_SECONDS'] ?? (QUICK ? 5 : 20));
// Freshly started processes run their first thousands of requests unoptimised (V8 compiles hot
// code as it goes): without a warm-up the first measured step, at the lowest rate, measured
// start-up more than the rate (session 11: platform p50 943 ms at 100/s first, 648 ms at 200/s next).
const WARMUP_SECONDS = Number(process.env['MIXED_WARMUP_SECONDS'] ?? (QUICK ? 2 : 10));
const MAX_IN_FLIGHT = Number(process.env['MIXED_MAX_IN_FLIGHT'] ?? 256);
// Instances of each app, one platform run per entry (issue 9: scale-out on Kafka partitions).
// Partitions per topic: consumer groups spread over them; every fetch names each one.
const PARTITIONS = Number(process.env['MIXED_PARTITIONS'] ?? 12);
const REPLICAS = (process.env['MIXED_REPLICAS'] ?? '1,2').split(',').map(Number);
const WITH_FLOOR = process.env['MIXED_FLOOR'] !== '0';
const TIMEOUT_MS = 10_000;
const WARDS = listWards('01').map((w) => w.code).slice(1, 30);
const HOME = { provinceCode: '01', wardCode: listWards('01')[0].code, detail: 'Số 1' };
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const log = (m: string) => console.log(`[mixed-load] ${m}`);

let idSerial = Math.floor(Math.random() * 400_000);
const newPersonalId = () => `001090${String(++idSerial % 1_000_000).padStart(6, '0')}`;
const localInstant = (offsetMs: number) => `${new Date(Date.now() + offsetMs + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;

interface Target {
  name: string; // 'baseline', 'floor', 'platform' or 'platform x2'
  bases: string[]; // .../api/v1 of each gateway instance: requests go round robin, as behind a load balancer
  headers: Record<string, Record<string, string>>; // per client
  /** the floor: every request is a 1-guest notice to its one endpoint */
  floor?: true;
}

let roundRobin = 0;
async function post(t: Target, client: string, apiPath: string, body: unknown): Promise<{ status: number; body: any; ms: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const started = performance.now();
  try {
    const res = await fetch(`${t.bases[roundRobin++ % t.bases.length]}${apiPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...t.headers[client] },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
  } catch {
    return { status: 0, body: null, ms: performance.now() - started };
  }
}

// ---------------------------------------------------------------- the world each target needs
interface World {
  citizens: string[];
  establishments: string[];
  pending: string[]; // submitted dossiers awaiting a decision
}

async function seed(t: Target, citizens: number): Promise<World> {
  const w: World = { citizens: [], establishments: [], pending: [] };
  for (let i = 0; i < 24; i++) {
    const r = await post(t, 'portal', '/lodging/establishments', { name: `Bench ${i}`, kind: 'HOTEL', address: { provinceCode: '01', wardCode: pick(WARDS), detail: `${i}` } });
    if (r.status !== 201) throw new Error(`${t.name} establishment: ${r.status} ${JSON.stringify(r.body)}`);
    w.establishments.push(r.body.establishmentId);
  }
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (w.citizens.length < citizens) {
        const personalId = newPersonalId();
        const r = await post(t, 'officer', '/citizens', { personalId, fullName: 'Trần Thị Bích', dateOfBirth: '1990-01-01', gender: 'MALE', permanentAddress: HOME });
        if (r.status === 201) w.citizens.push(personalId);
        else if (r.status === 0 || r.status >= 500) await sleep(200);
        else if (r.status !== 409) throw new Error(`${t.name} citizen: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }),
  );
  return w;
}

type Kind = 'notice' | 'registration' | 'submission' | 'approval';
const tagged = (kind: Kind, p: Promise<{ status: number; ms: number }>) => p.then((r) => ({ ...r, kind }));

/** One request of the mix; returns its kind, status and latency. */
function oneRequest(t: Target, w: World, i: number): Promise<{ status: number; ms: number; kind: Kind }> {
  const roll = (i * 7919) % 100; // deterministic, well spread
  if (t.floor) {
    return tagged('notice', post(t, 'portal', '', { establishmentId: pick(w.establishments), arrivalAt: localInstant(-20 * 60_000), room: String(i % 300), guests: [{ personalId: pick(w.citizens) }] }));
  }
  if (roll < 40) {
    return tagged('notice', post(t, 'portal', '/lodging/notices', { establishmentId: pick(w.establishments), arrivalAt: localInstant(-20 * 60_000), room: String(i % 300), guests: [{ personalId: pick(w.citizens) }] }));
  }
  if (roll < 65) {
    const personalId = newPersonalId();
    return tagged('registration', post(t, 'officer', '/citizens', { personalId, fullName: 'Lê Văn Cường', dateOfBirth: '1990-01-01', gender: 'MALE', permanentAddress: HOME }).then((r) => {
      if (r.status === 201) w.citizens.push(personalId);
      return r;
    }));
  }
  const dossierId = roll >= 85 ? w.pending.shift() : undefined;
  if (dossierId) return tagged('approval', post(t, 'officer', `/residence/dossiers/${dossierId}/decision`, { outcome: 'APPROVED' }));
  return tagged('submission', post(t, 'portal', '/residence/dossiers', { procedure: 'PERMANENT_REGISTRATION', applicantId: pick(w.citizens.slice(0, 500)), address: { provinceCode: '01', wardCode: pick(WARDS), detail: 'Số 2' } }).then((r) => {
    if (r.status === 201) w.pending.push(r.body.dossierId);
    return r;
  }));
}

// ---------------------------------------------------------------- process figures
interface ProcFigures {
  /** all instances together, in % of one core */
  cpuPercent: number;
  /** the largest instance */
  peakRssMiB: number;
}

// ---------------------------------------------------------------- one step
interface Step {
  target: string;
  rate: number;
  seconds: number;
  issued: number;
  ok: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: Record<string, number>;
  shed: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagSamples: number;
  processes: Record<string, ProcFigures>;
  loadAverage: number;
  /** latency per kind of request, to tell which hop a slow mix waits on */
  byKind: Record<string, { n: number; p50Ms: number; p99Ms: number }>;
}

const pct = (xs: number[], p: number) => (xs.length ? Math.round(xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]) : NaN);

async function step(t: Target, w: World, rate: number, pids: Record<string, number[]>, lagSampler?: () => Promise<number | null>, stepSeconds = SECONDS): Promise<Step> {
  const latencies: number[] = [];
  const kindLatencies: Record<string, number[]> = {};
  const non2xx: Record<string, number> = {};
  let issued = 0;
  let ok = 0;
  let shed = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const ticks = (list: number[]) => list.reduce((sum, p) => sum + cpuTicks(p), 0);
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, ticks(p)]));
  const peak: Record<string, number> = {};
  const started = Date.now();
  const end = started + stepSeconds * 1000;
  const lags: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (lagSampler && sampling) {
      const lag = await lagSampler();
      if (lag !== null) lags.push(lag);
      await sleep(200);
    }
  })();
  let lastRss = 0;
  let i = 0;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    while (issued + shed < due) {
      if (inFlight >= MAX_IN_FLIGHT) {
        shed++;
        continue;
      }
      issued++;
      inFlight++;
      const p = oneRequest(t, w, i++).then((r) => {
        inFlight--;
        latencies.push(r.ms);
        (kindLatencies[r.kind] ??= []).push(r.ms);
        if (r.status >= 200 && r.status < 300) ok++;
        else non2xx[String(r.status || 'error')] = (non2xx[String(r.status || 'error')] ?? 0) + 1;
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    if (Date.now() - lastRss > 1000) {
      lastRss = Date.now();
      for (const [k, list] of Object.entries(pids)) for (const p of list) peak[k] = Math.max(peak[k] ?? 0, rssMiB(p) || 0);
    }
    await sleep(5);
  }
  const issueEnd = Date.now();
  const cpu1 = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, ticks(p)]));
  await Promise.all([...pending]);
  sampling = false;
  await sampler;
  const seconds = (issueEnd - started) / 1000;
  const processes: Record<string, ProcFigures> = {};
  for (const k of Object.keys(pids)) processes[k] = { cpuPercent: Math.round(((cpu1[k] - cpu0[k]) / CLK_TCK / seconds) * 100), peakRssMiB: peak[k] ?? NaN };
  return {
    target: t.name,
    rate,
    seconds: Math.round(seconds),
    issued,
    ok,
    throughput: Math.round(ok / ((Date.now() - started) / 1000)),
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    non2xx,
    shed,
    lagP50Ms: lags.length ? pct(lags, 50) : null,
    lagP99Ms: lags.length ? pct(lags, 99) : null,
    lagSamples: lags.length,
    processes,
    loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
    byKind: Object.fromEntries(Object.entries(kindLatencies).map(([k, xs]) => [k, { n: xs.length, p50Ms: pct(xs, 50), p99Ms: pct(xs, 99) }])),
  };
}

function logStep(s: Step): Step {
  const kinds = Object.entries(s.byKind).map(([k, v]) => `${k} ${v.n} p50 ${v.p50Ms} p99 ${v.p99Ms}`);
  log(`${s.target} at ${s.rate}/s: ${s.throughput} 2xx/s, p50 ${s.p50Ms} p99 ${s.p99Ms} ms; ${kinds.join('; ')}`);
  return s;
}

// ---------------------------------------------------------------- targets
async function tokenHeaders(base: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const c of ['portal', 'officer']) {
    const res = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: c, client_secret: `${c}-local-secret` }) });
    if (res.status !== 200) throw new Error(`token ${c}: ${res.status}`);
    out[c] = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
  }
  return out;
}

async function startBaseline(serverUrl: string): Promise<{ base: string; child: ChildProcess; drop: () => Promise<void> }> {
  const db = uniqueName('bench_baseline');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'bench/baseline/baseline-app.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.base.json'), BASELINE_DATABASE_URL: databaseUrlFor(serverUrl, db), BASELINE_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  for (let i = 0; ; i++) {
    try {
      await fetch(base, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (i > 120) throw new Error('the baseline did not start');
      await sleep(250);
    }
  }
  const drop = async () => {
    child.kill('SIGTERM');
    await sleep(500);
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await c.end();
  };
  return { base, child, drop };
}

/** Submits and approves a dossier of a dedicated applicant; the time from the approval's 200 until identity shows the new address. */
function lagSampler(identityDb: Client, t: Target, applicants: string[]): () => Promise<number | null> {
  return async () => {
    const applicantId = applicants.pop();
    if (!applicantId) return null;
    const wardCode = pick(WARDS);
    const sub = await post(t, 'portal', '/residence/dossiers', { procedure: 'PERMANENT_REGISTRATION', applicantId, address: { provinceCode: '01', wardCode, detail: 'Lag' } });
    if (sub.status !== 201) return null;
    const dec = await post(t, 'officer', `/residence/dossiers/${sub.body.dossierId}/decision`, { outcome: 'APPROVED' });
    if (dec.status !== 200) return null;
    const approvedAt = performance.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const r = await identityDb.query<{ w: string }>(`SELECT permanent_address->>'wardCode' AS w FROM citizens WHERE personal_id = $1`, [applicantId]);
      if (r.rows[0]?.w === wardCode) return performance.now() - approvedAt;
      await sleep(20);
    }
    return 30_000;
  };
}

// ---------------------------------------------------------------- output
const FLOOR_PROCESSES = ['floor front', 'floor responder'];

function table(steps: Step[]): string {
  const head = ['target', 'offered/s', '2xx/s', 'p50 ms', 'p99 ms', 'non-2xx', 'shed', 'lag p50/p99 ms', 'CPU % (gw/id/res/lod, all instances; floor: front/responder)', 'peak RSS MiB (gw/id/res/lod, largest instance)', 'load avg'];
  const apps = ['gateway', 'identity-service', 'residence-service', 'lodging-service'];
  const lines = steps.map((s) => [
    s.target,
    String(s.rate),
    String(s.throughput),
    String(s.p50Ms),
    String(s.p99Ms),
    String(Object.values(s.non2xx).reduce((a, b) => a + b, 0)),
    String(s.shed),
    s.lagP50Ms === null ? '-' : `${s.lagP50Ms}/${s.lagP99Ms}`,
    ...[(f: ProcFigures | undefined) => f?.cpuPercent ?? '-', (f: ProcFigures | undefined) => f?.peakRssMiB ?? '-'].map((figure) =>
      s.target === 'baseline' ? String(figure(s.processes['baseline'])) : (s.target === 'floor' ? FLOOR_PROCESSES : apps).map((a) => figure(s.processes[a])).join('/'),
    ),
    String(s.loadAverage),
  ]);
  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [md(head), md(head.map(() => '---')), ...lines.map(md)].join('\n');
}

async function main(): Promise<void> {
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl || !process.env['KAFKA_BROKERS']) throw new Error('DATABASE_URL and KAFKA_BROKERS must be set (npm run bench does it)');
  log(`rates ${RATES.join(', ')} req/s, ${SECONDS} s each, per target; machine ${os.cpus().length} x ${os.cpus()[0]?.model}, load average ${os.loadavg()[0].toFixed(1)}`);
  const steps: Step[] = [];
  const baseline = await startBaseline(serverUrl);
  try {
    const plain: Target = { name: 'baseline', bases: [baseline.base], headers: { portal: {}, officer: {} } };
    log('seeding the baseline (24 establishments, 600 citizens)');
    const bw = await seed(plain, 600);
    for (const [run, replicas] of REPLICAS.entries()) {
      const name = replicas === 1 ? 'platform' : `platform x${replicas}`;
      log(`starting ${name} (${replicas} instance(s) of each app)`);
      const stack = await startTestStack({
        label: 'bench_mixed',
        partitions: PARTITIONS,
        replicas,
        env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'warn', D06_TEST_LOG_LEVEL: 'warn' },
      });
      try {
        const bases = stack.gatewayUrls.map((u) => `${u}/api/v1`);
        const platform: Target = { name, bases, headers: await tokenHeaders(bases[0]) };
        log(`seeding ${name} (24 establishments, 600 citizens)`);
        const pw = await seed(platform, 600);
        const lagApplicants = pw.citizens.slice(500);
        // The applicants must be known to residence before they can apply.
        for (let i = 0; i < 300; i++) {
          const [{ n }] = await stack.query<{ n: number }>('residence-service', 'SELECT count(*)::int AS n FROM known_citizens WHERE personal_id = ANY($1::text[])', [pw.citizens]);
          if (n === pw.citizens.length) break;
          await sleep(200);
        }
        // One connection for the lag sampler's polling: a connection per poll (a Postgres backend
        // forked each time) cost more CPU than the services it was measuring.
        const identityDb = new Client({ connectionString: databaseUrlFor(serverUrl, stack.databases['identity-service']) });
        await identityDb.connect();
        const pids = stackPids(stack.prefix.slice(0, -1));
        log(`processes: ${JSON.stringify(pids)}`);
        // The floor beside the first run, on this stack's Kafka topics prefix and its lodging database.
        const floor = run === 0 && WITH_FLOOR ? await startFloor(stack, { mode: 'notice', service: 'lodging-service', partitions: PARTITIONS }) : undefined;
        const floorTarget: Target | undefined = floor && { name: 'floor', bases: [floor.url], headers: { portal: {}, officer: {} }, floor: true };
        const floorPids = floor && { 'floor front': [floor.pids.front], 'floor responder': [floor.pids.responder], 'kafka (shared)': pids['kafka (shared)'] ?? [] };
        if (floor) log(`floor: ${floor.url} ${JSON.stringify(floorPids)}`);
        const quiet = { ...pids, ...floorPids };
        try {
          const baselinePids = { baseline: baseline.child.pid === undefined ? [] : [baseline.child.pid] };
          if (WARMUP_SECONDS > 0) {
            // Unmeasured, at the first rate, before each target's first step.
            const warm = async (label: string, t: Target, w: World, p: Record<string, number[]>) => {
              log(`warm-up: ${label} at ${RATES[0]}/s for ${WARMUP_SECONDS} s (not measured)`);
              await step(t, w, RATES[0], p, undefined, WARMUP_SECONDS);
            };
            await warm(name, platform, pw, pids);
            if (run === 0) await warm('baseline', plain, bw, baselinePids);
            if (floorTarget && floorPids) await warm('floor', floorTarget, pw, floorPids);
          }
          for (const rate of RATES) {
            log(`${name} at ${rate}/s (after ${await settle(quiet)} s for the stack to go quiet)`);
            steps.push(logStep(await step(platform, pw, rate, pids, lagSampler(identityDb, platform, lagApplicants))));
            // The baseline and the floor once, beside the first platform run, at the same rates.
            if (run === 0) {
              log(`baseline at ${rate}/s (after ${await settle(quiet)} s for the platform to go quiet)`);
              steps.push(logStep(await step(plain, bw, rate, baselinePids)));
            }
            if (floorTarget && floorPids) {
              log(`floor at ${rate}/s (after ${await settle(quiet)} s for the rest to go quiet)`);
              steps.push(logStep(await step(floorTarget, pw, rate, floorPids)));
            }
          }
        } finally {
          floor?.stop();
        }
        await identityDb.end();
      } finally {
        await stack.stop().catch(() => undefined);
      }
    }
  } finally {
    await baseline.drop().catch(() => undefined);
  }
  const best = (name: string) => Math.max(...steps.filter((s) => s.target === name).map((s) => s.throughput));
  const ratio = Math.round((best('platform') / best('baseline')) * 100) / 100;
  const floorSteps = steps.filter((s) => s.target === 'floor');
  const ofFloor = floorSteps.length ? Math.round((best('platform') / best('floor')) * 100) / 100 : null;
  const scaleOut = Object.fromEntries(
    REPLICAS.filter((r) => r > 1).map((r) => [`x${r}`, Math.round((best(`platform x${r}`) / best('platform')) * 100) / 100]),
  );
  const md = table(steps);
  console.log(`\n${md}\n`);
  log(`best 2xx/s: platform ${best('platform')}, baseline ${best('baseline')}; ratio ${ratio}`);
  if (floorSteps.length) {
    log(`floor: best ${best('floor')} 2xx/s (platform ${ofFloor} of it); p99 ${floorSteps.map((s) => `${s.p99Ms} ms at ${s.rate}/s`).join(', ')}`);
  }
  for (const [k, v] of Object.entries(scaleOut)) log(`scale-out ${k}: best 2xx/s ${v} times one instance each`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(ROOT, 'bench/results/mixed-load.json'),
    JSON.stringify({ benchmark: 'mixed-load', at: new Date().toISOString(), machine, rates: RATES, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, maxInFlight: MAX_IN_FLIGHT, replicas: REPLICAS, scaleOut, ofFloor, mix: { notice: 0.4, registration: 0.25, submission: 0.2, approval: 0.15 }, ratio, markdown: md, steps }, null, 2),
  );
  log('wrote bench/results/mixed-load.json');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
