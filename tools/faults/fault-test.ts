/**
 * `npm run test:faults` (issue 9, part 1): CONTRACT.md §4 under crashes.
 *
 * Starts the four built apps (dist/) on a topic prefix and databases of their own
 * (@d06/testing's startTestStack), drives a bounded mixed load through the gateway (identity
 * registrations, residence submissions + decisions, lodging establishments + notices; every request
 * with its own Idempotency-Key, also sent as X-Correlation-Id, and retried with the SAME key on
 * 5xx/429/409-in-flight/timeouts/connection errors), and kills in turn, with kill -9 (Postgres:
 * immediate shutdown): each service, the gateway, the Kafka broker and Postgres, restarting each
 * after a few seconds. Then it stops the load and checks:
 *   - lost = 0: every 2xx is in the read models (citizens, dossiers with their outcome,
 *     establishments, notices); every approval reached the identity register;
 *   - doubled = 0: no request key caused two creation events (event store, by correlation id), no
 *     approval caused two CitizenResidenceChanged (by causation id);
 *   - every projection equals a full replay of its store (library replay into a separate schema,
 *     checksums compared, nothing swapped; the schema is dropped after);
 *   - relays and sealers caught up; consumers caught up (known citizens of residence and lodging
 *     hold every registered citizen); dead_letters tables and `<prefix>*.dlq` topics empty.
 * Prints the figures and exits 1 on any violation (2 on a set-up failure or the global time bound).
 *
 * Environment:
 *   FAULTS=identity-service,gateway,...   only these faults (default: all six, in order)
 *   FAULTS_INFRA=1                        kill the broker and Postgres even when other jest runs
 *                                         are seen on the machine (they share both; default: skip
 *                                         those two faults then, loudly)
 *   FAULTS_DOWN_MS (3000)                 how long a killed process stays down
 *   FAULTS_KEEP=1                         keep the databases and topics after the run
 *   FAULTS_REPLICAS (1)                   instances of each app (issue 9, scale-out): requests are
 *                                         spread over the gateways round robin (a retry goes to the
 *                                         next one, as behind a load balancer) and each fault kills
 *                                         the first instance of the app while the others keep serving
 *   DATABASE_URL, KAFKA_BROKERS           default: what tools/stack/infra.mjs ensures
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore, projectionChecksum, replayProjection, type Projection } from '@d06/event-sourcing';
import { IDENTITY_PROJECTIONS } from '@d06/identity-read-model';
import { LODGING_PROJECTIONS } from '@d06/lodging-read-model';
import { RESIDENCE_PROJECTIONS } from '@d06/residence-read-model';
import { listWards } from '@d06/reference-data';
import type { ServiceName } from '@d06/contracts';
import { databaseUrlFor, startTestStack, testKafka, type TestStack } from '@d06/testing';

const ROOT = path.resolve(__dirname, '../..');
const STARTED = Date.now();
const GLOBAL_BOUND_MS = 7 * 60_000;
const DOWN_MS = Number(process.env['FAULTS_DOWN_MS'] ?? 3000);
const RECOVER_TIMEOUT_MS = 90_000;
const CONVERGE_TIMEOUT_MS = 90_000;
const REQUEST_GIVE_UP_MS = 75_000; // > the gateway's in-flight lease after its own crash (rpc timeout + 30 s)
const ATTEMPT_TIMEOUT_MS = 8000;
const JWT_SECRET = `fault-test-${randomUUID()}-${randomUUID()}`;
const REPLICAS = Number(process.env['FAULTS_REPLICAS'] ?? 1);

type StackApp = 'identity-service' | 'residence-service' | 'lodging-service' | 'gateway';
type FaultName = StackApp | 'kafka' | 'postgres';
const ALL_FAULTS: FaultName[] = ['identity-service', 'residence-service', 'lodging-service', 'gateway', 'kafka', 'postgres'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[faults +${((Date.now() - STARTED) / 1000).toFixed(1)}s] ${msg}`);

// ---------------------------------------------------------------- infrastructure
function ensureInfraEnv(): void {
  if (process.env['DATABASE_URL'] && process.env['KAFKA_BROKERS']) return;
  const out = execFileSync(process.execPath, [path.join(ROOT, 'tools/stack/infra.mjs'), 'ensure'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`tools/stack/infra.mjs ensure printed no environment: ${out}`);
  const env = JSON.parse(line) as Record<string, string>;
  for (const [k, v] of Object.entries(env)) process.env[k] ??= v;
}

/** Other jest processes on the machine (not ours: we run none). */
function otherTestRuns(): string[] {
  const r = spawnSync('pgrep', ['-af', 'jest'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
}

function kafkaScript(cmd: 'kill' | 'start' | 'status'): number {
  const r = spawnSync('bash', [path.join(ROOT, 'deploy/local/kafka/kafka.sh'), cmd], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0 && cmd !== 'status') log(`kafka.sh ${cmd} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.status ?? 1;
}

function pgCluster(action: 'stop' | 'start'): void {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length === 0) throw new Error('no /etc/postgresql cluster to stop');
  const args = ['--skip-systemctl-redirect', versions[0], 'main', action, ...(action === 'stop' ? ['-m', 'immediate'] : [])];
  const r = spawnSync('pg_ctlcluster', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_ctlcluster ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

// ---------------------------------------------------------------- recorded outcomes
interface Stats {
  requests: number;
  ok: number;
  attempts: number;
  retried: number;
  attemptStatus: Record<string, number>;
  finalNon2xx: Record<string, number>;
  gaveUp: number;
}
const stats: Stats = { requests: 0, ok: 0, attempts: 0, retried: 0, attemptStatus: {}, finalNon2xx: {}, gaveUp: 0 };
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

interface Recorded {
  citizens: Map<string, string>; // personalId -> key
  dossiers: Map<string, { applicantId: string; wardCode: string; key: string; outcome?: 'APPROVED' | 'REJECTED' }>;
  establishments: Map<string, string>;
  notices: Map<string, string>;
  /** every key whose request got a 2xx, by the event type it must have caused exactly once */
  okKeys: Map<string, string>; // key -> expected creation event type
}
/** every attempt's outcome per key, to explain a violation */
const history = new Map<string, string[]>();
const rec: Recorded = { citizens: new Map(), dossiers: new Map(), establishments: new Map(), notices: new Map(), okKeys: new Map() };

// ---------------------------------------------------------------- HTTP client with retries
let gatewayUrls: string[] = [];
let nextGateway = 0;
/** Round robin over the gateway instances, like a load balancer in front of them. */
const gatewayUrl = () => gatewayUrls[nextGateway++ % gatewayUrls.length];
const tokens = new Map<string, string>();
async function token(clientId: string, fresh = false): Promise<string> {
  if (!fresh && tokens.has(clientId)) return tokens.get(clientId)!;
  for (;;) {
    try {
      const res = await fetch(`${gatewayUrl()}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-local-secret` }),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      if (res.status === 200) {
        const t = ((await res.json()) as { access_token: string }).access_token;
        tokens.set(clientId, t);
        return t;
      }
    } catch {
      // gateway down: try again
    }
    await sleep(500);
  }
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One logical request: a fresh key, retried with that same key until a final answer or
 * REQUEST_GIVE_UP_MS. Returns the final answer (status 0 when it gave up).
 */
async function call(clientId: string, method: string, apiPath: string, body: unknown): Promise<Answer & { key: string }> {
  const key = `ft-${randomUUID()}`;
  const started = Date.now();
  stats.requests++;
  let attempt = 0;
  for (;;) {
    attempt++;
    stats.attempts++;
    if (attempt > 1) stats.retried++;
    let status = 0;
    let parsed: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      const res = await fetch(`${gatewayUrl()}/api/v1${apiPath}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(clientId)}`, 'idempotency-key': key, 'x-correlation-id': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      status = res.status;
      const text = await res.text();
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
    } catch (err) {
      bump(stats.attemptStatus, (err as Error).name === 'TimeoutError' ? 'timeout' : 'conn-error');
    }
    if (status) bump(stats.attemptStatus, String(status));
    const h = history.get(key) ?? [];
    h.push(`+${((Date.now() - STARTED) / 1000).toFixed(1)}s ${method} ${apiPath.replace(/[0-9a-f-]{36}/, ':id')} -> ${status || 'no answer'}`);
    history.set(key, h);
    const inFlight = status === 409 && JSON.stringify(parsed ?? '').includes('IN_FLIGHT');
    const retryable = status === 0 || status === 401 || status === 429 || status >= 500 || inFlight;
    if (status >= 200 && status < 300) {
      stats.ok++;
      return { status, body: parsed, key };
    }
    if (!retryable) {
      bump(stats.finalNon2xx, `${status} ${method} ${apiPath.replace(/[0-9a-f-]{36}/, ':id')}${attempt > 1 ? ' (on a retry)' : ''}`);
      return { status, body: parsed, key };
    }
    if (Date.now() - started > REQUEST_GIVE_UP_MS) {
      stats.gaveUp++;
      bump(stats.finalNon2xx, `gave-up(${status || 'no answer'})`);
      return { status: 0, body: parsed, key };
    }
    if (status === 401) await token(clientId, true);
    await sleep(status === 0 ? 300 : 250 + Math.random() * 250);
  }
}

// ---------------------------------------------------------------- the load
const HANOI_HOME = { provinceCode: '01', wardCode: '00004', detail: 'Số 1 phố Hàng Bông' };
const WARDS = listWards('01').map((w) => w.code).filter((c) => c !== HANOI_HOME.wardCode).slice(0, 40);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
let idSerial = Math.floor(Math.random() * 500_000);
const newPersonalId = () => `001090${String(++idSerial % 1_000_000).padStart(6, '0')}`;
function localInstant(offsetMs: number): string {
  return `${new Date(Date.now() + offsetMs + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

async function registerCitizen(): Promise<string | undefined> {
  const personalId = newPersonalId();
  const a = await call('officer', 'POST', '/citizens', { personalId, fullName: 'Nguyễn Văn Bền', dateOfBirth: '1990-03-04', gender: 'MALE', permanentAddress: HANOI_HOME });
  if (a.status === 201) {
    rec.citizens.set(personalId, a.key);
    rec.okKeys.set(a.key, 'CitizenRegistered');
    return personalId;
  }
  return undefined;
}

async function createEstablishment(): Promise<void> {
  const a = await call('portal', 'POST', '/lodging/establishments', { name: `Khách sạn ${randomUUID().slice(0, 8)}`, kind: 'HOTEL', address: { provinceCode: '01', wardCode: pick(WARDS), detail: 'Số 5' } });
  if (a.status === 201 && a.body?.establishmentId) {
    rec.establishments.set(a.body.establishmentId, a.key);
    rec.okKeys.set(a.key, 'EstablishmentRegistered');
  }
}

let loadRunning = true;
/** Runs `body` about `perSecond` times a second until the load stops (a slow answer just delays it). */
async function paced(perSecond: number, body: (i: number) => Promise<void>): Promise<void> {
  const interval = 1000 / perSecond;
  for (let i = 0; loadRunning; i++) {
    const t = Date.now();
    await body(i);
    const wait = interval - (Date.now() - t);
    if (wait > 0) await sleep(wait);
  }
}

function startLoad(pool: string[]): Promise<void>[] {
  const unusedPool = [...pool];
  const identityLoop = paced(3, async () => {
    await registerCitizen();
  });
  const residenceLoop = () =>
    paced(1.2, async (i) => {
      const applicantId = unusedPool.pop();
      if (!applicantId) return;
      const wardCode = pick(WARDS);
      const sub = await call('portal', 'POST', '/residence/dossiers', { procedure: 'PERMANENT_REGISTRATION', applicantId, address: { provinceCode: '01', wardCode, detail: 'Số 9 ngõ 3' } });
      if (sub.status !== 201 || !sub.body?.dossierId) return;
      const dossierId = sub.body.dossierId as string;
      rec.dossiers.set(dossierId, { applicantId, wardCode, key: sub.key });
      rec.okKeys.set(sub.key, 'DossierReceived');
      const outcome = i % 5 === 4 ? 'REJECTED' : 'APPROVED';
      const dec = await call('officer', 'POST', `/residence/dossiers/${dossierId}/decision`, outcome === 'REJECTED' ? { outcome, reason: 'Hồ sơ thiếu giấy tờ' } : { outcome });
      if (dec.status === 200) {
        rec.dossiers.get(dossierId)!.outcome = outcome;
        rec.okKeys.set(dec.key, outcome === 'APPROVED' ? 'DossierApproved' : 'DossierRejected');
      }
    });
  const lodgingLoop = paced(3, async (i) => {
    if (i % 20 === 19 || rec.establishments.size === 0) await createEstablishment();
    const establishmentId = pick([...rec.establishments.keys()]);
    const citizens = [...rec.citizens.keys()];
    const a = await call('portal', 'POST', '/lodging/notices', {
      establishmentId,
      arrivalAt: localInstant(-10 * 60_000),
      room: String(100 + (i % 50)),
      guests: [{ personalId: pick(citizens) }, { passportNumber: `M${String(1_000_000 + i)}`, nationality: 'KOR', fullName: 'Kim Min Jun', dateOfBirth: '1985-01-02' }],
    });
    if (a.status === 201 && a.body?.noticeId) {
      rec.notices.set(a.body.noticeId, a.key);
      rec.okKeys.set(a.key, 'NoticeSubmitted');
    }
  });
  return [identityLoop, residenceLoop(), residenceLoop(), lodgingLoop];
}

// ---------------------------------------------------------------- the checks
type Stack = TestStack;

async function rows<T>(stack: Stack, app: StackApp, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await stack.query(app, sql, params)) as T[];
}

interface Figures {
  /** conditions that may still resolve as the pipelines catch up */
  violations: string[];
  /** conditions no waiting can fix (a request applied twice) */
  permanent: string[];
  lost: number;
  doubled: number;
  orphans: number;
}

/** Everything but the replay comparison: cheap enough to poll. */
async function convergenceCheck(stack: Stack): Promise<Figures> {
  const v: string[] = [];
  const perm: string[] = [];
  let lost = 0;
  let doubled = 0;
  const ids = async (app: StackApp, sql: string) => new Set((await rows<{ id: string }>(stack, app, sql)).map((r) => r.id));

  // lost: every 2xx in the read models
  const citizens = new Map((await rows<{ id: string; ward: string | null }>(stack, 'identity-service', `SELECT personal_id AS id, permanent_address->>'wardCode' AS ward FROM citizens`)).map((r) => [r.id, r.ward]));
  const dossiers = new Map((await rows<{ id: string; status: string }>(stack, 'residence-service', 'SELECT dossier_id::text AS id, status FROM dossiers')).map((r) => [r.id, r.status]));
  const establishments = await ids('lodging-service', 'SELECT establishment_id::text AS id FROM establishments');
  const notices = await ids('lodging-service', 'SELECT notice_id::text AS id FROM lodging_notices');
  const missing = (what: string, list: string[]) => {
    if (list.length > 0) {
      lost += list.length;
      v.push(`${list.length} ${what} answered 2xx but missing from the read model (e.g. ${list.slice(0, 3).join(', ')})`);
    }
  };
  missing('citizens', [...rec.citizens.keys()].filter((id) => !citizens.has(id)));
  missing('dossiers', [...rec.dossiers.keys()].filter((id) => !dossiers.has(id)));
  missing('decisions', [...rec.dossiers].filter(([id, d]) => d.outcome && dossiers.get(id) !== d.outcome).map(([id]) => id));
  missing('establishments', [...rec.establishments.keys()].filter((id) => !establishments.has(id)));
  missing('notices', [...rec.notices.keys()].filter((id) => !notices.has(id)));

  // consumers: approvals reached the identity register; known citizens everywhere
  const notApplied = [...rec.dossiers.values()].filter((d) => (d.outcome === 'APPROVED' ? citizens.get(d.applicantId) !== d.wardCode : d.outcome === 'REJECTED' && citizens.get(d.applicantId) !== HANOI_HOME.wardCode));
  if (notApplied.length) v.push(`${notApplied.length} decided dossiers not (or wrongly) reflected in identity's citizens (e.g. ${notApplied.slice(0, 3).map((d) => d.applicantId).join(', ')})`);
  for (const app of ['residence-service', 'lodging-service'] as const) {
    const known = await ids(app, 'SELECT personal_id AS id FROM known_citizens');
    const absent = [...citizens.keys()].filter((id) => !known.has(id));
    if (absent.length) v.push(`${app} known_citizens lacks ${absent.length} registered citizens`);
  }

  // doubled: a key that caused two creation events; an approval applied twice
  const keysOf = new Map<string, number>();
  for (const [app, types] of [
    ['identity-service', ['CitizenRegistered']],
    ['residence-service', ['DossierReceived', 'DossierApproved', 'DossierRejected']],
    ['lodging-service', ['EstablishmentRegistered', 'NoticeSubmitted']],
  ] as const) {
    const r = await rows<{ c: string; type: string; n: number }>(
      stack,
      app,
      `SELECT metadata->>'correlationId' AS c, type, count(*)::int AS n FROM events WHERE type = ANY($1::text[]) AND metadata->>'correlationId' LIKE 'ft-%' GROUP BY 1, 2`,
      [types],
    );
    for (const x of r) {
      keysOf.set(x.c, (keysOf.get(x.c) ?? 0) + x.n);
      if (x.n > 1) {
        doubled += x.n - 1;
        perm.push(`key ${x.c} caused ${x.n} ${x.type} events; its attempts: ${(history.get(x.c) ?? ['(unknown)']).join(', ')}`);
      }
    }
  }
  const twice = await rows<{ c: string; n: number }>(
    stack,
    'identity-service',
    `SELECT metadata->>'causationId' AS c, count(*)::int AS n FROM events WHERE type = 'CitizenResidenceChanged' GROUP BY 1 HAVING count(*) > 1`,
  );
  for (const t of twice) {
    doubled += t.n - 1;
    perm.push(`approval event ${t.c} changed the citizen's residence ${t.n} times`);
  }
  for (const [key, type] of rec.okKeys) {
    if (!keysOf.has(key)) {
      lost++;
      v.push(`key ${key} answered 2xx but no ${type} event carries it`);
    }
  }
  const orphans = [...keysOf.keys()].filter((k) => !rec.okKeys.has(k)).length;

  // relays, sealers, dead letters
  for (const app of ['identity-service', 'residence-service', 'lodging-service'] as const) {
    const [p] = await rows<{ unsealed: number; head: number; relays: { name: string; position: number }[] | null; dead: number }>(
      stack,
      app,
      `SELECT (SELECT coalesce(sum(cardinality(seqs)), 0)::int FROM event_pending) AS unsealed,
              (SELECT coalesce(max(position), 0)::int FROM event_seals) AS head,
              (SELECT json_agg(json_build_object('name', name, 'position', position)) FROM relay_checkpoints) AS relays,
              (SELECT count(*)::int FROM dead_letters WHERE retried_at IS NULL) AS dead`,
    );
    if (p.unsealed > 0) v.push(`${app}: ${p.unsealed} unsealed events`);
    const relays = p.relays ?? [];
    if (relays.length === 0) v.push(`${app}: no relay checkpoint`);
    for (const r of relays) if (Number(r.position) !== p.head) v.push(`${app}: relay ${r.name} at ${r.position}, head ${p.head}`);
    if (p.dead > 0) v.push(`${app}: ${p.dead} dead letters`);
  }
  return { violations: v, permanent: perm, lost, doubled, orphans };
}

async function dlqTopicMessages(stack: Stack): Promise<{ topic: string; messages: number }[]> {
  const admin = testKafka(stack.infra, 'd06-fault-test').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(stack.prefix) && t.endsWith('.dlq'));
    const out: { topic: string; messages: number }[] = [];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      out.push({ topic, messages: offsets.reduce((n, o) => n + (Number(o.high) - Number(o.low)), 0) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function replayCheck(stack: Stack): Promise<string[]> {
  const v: string[] = [];
  const services: [ServiceName, StackApp, readonly Projection[]][] = [
    ['identity', 'identity-service', IDENTITY_PROJECTIONS],
    ['residence', 'residence-service', RESIDENCE_PROJECTIONS],
    ['lodging', 'lodging-service', LODGING_PROJECTIONS],
  ];
  for (const [service, app, projections] of services) {
    const ds = new DataSource({ type: 'postgres', url: databaseUrlFor(stack.infra.databaseUrl, stack.databases[app]), extra: { max: 4 } });
    await ds.initialize();
    try {
      const store = new EventStore({ dataSource: ds, service });
      const [{ head }] = await ds.query('SELECT coalesce(max(position), 0)::int AS head FROM event_seals');
      for (const projection of projections) {
        const schema = `faultchk_${projection.name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
        try {
          const result = await replayProjection(ds, store, projection, { toPosition: head, schema });
          const live = await projectionChecksum(ds, 'public', projection.tables);
          const same = live.checksum === result.checksumAfter;
          log(`replay ${service}/${projection.name}: ${result.events} events to ${head}, ${result.rows} rows, live ${live.checksum.slice(0, 12)} rebuilt ${result.checksumAfter.slice(0, 12)} ${same ? 'identical' : 'DIFFERENT'}`);
          if (!same) {
            const diff = result.tables.filter((t, i) => t.checksum !== live.tables[i]?.checksum).map((t) => `${t.table} (${t.rows} rebuilt vs ${live.tables.find((l) => l.table === t.table)?.rows} live rows)`);
            v.push(`${service}/${projection.name}: live read model differs from a full replay: ${diff.join(', ')}`);
          }
        } finally {
          await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
        }
      }
    } finally {
      await ds.destroy();
    }
  }
  return v;
}

/**
 * With replicas, exactly one instance of each service may seal and relay (d06_pipeline_leader on
 * each instance's /metrics); a stand-by that never took over after its peer's kill would show 0
 * everywhere, two sealers 2.
 */
async function leaderCheck(stack: Stack): Promise<string[]> {
  const out: string[] = [];
  for (const app of ['identity-service', 'residence-service', 'lodging-service'] as const) {
    const leaders = await Promise.all(
      stack.instancePorts[app].map(async (port) => {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => '');
        const m = /^d06_pipeline_leader(?:\{[^}]*\})? (\d+)/m.exec(text);
        return m ? Number(m[1]) : NaN;
      }),
    );
    log(`${app}: pipeline leader flags by instance ${leaders.join(', ')}`);
    if (leaders.filter((l) => l === 1).length !== 1) out.push(`${app}: ${leaders.join(', ')} pipeline leaders by instance (exactly one expected)`);
  }
  return out;
}

// ---------------------------------------------------------------- faults
async function kill(stack: Stack, fault: FaultName): Promise<void> {
  if (fault === 'kafka') {
    if (kafkaScript('kill') !== 0) throw new Error('kafka.sh kill failed (is the broker one that kafka.sh started?)');
  } else if (fault === 'postgres') pgCluster('stop');
  else await stack.kill(fault, 'SIGKILL');
}

async function restart(stack: Stack, fault: FaultName): Promise<void> {
  if (fault === 'kafka') {
    if (kafkaScript('start') !== 0) throw new Error('kafka.sh start failed');
  } else if (fault === 'postgres') pgCluster('start');
  else await stack.restart(fault);
}

/** Health 200, then a canary citizen registered and seen by both known-citizen consumers. */
async function recovered(stack: Stack): Promise<void> {
  await stack.waitHealthy(RECOVER_TIMEOUT_MS);
  const deadline = Date.now() + RECOVER_TIMEOUT_MS;
  let personalId: string | undefined;
  while (!personalId) {
    personalId = await registerCitizen();
    if (Date.now() > deadline) throw new Error('no canary registration succeeded');
  }
  for (;;) {
    const seen = await Promise.all(
      (['residence-service', 'lodging-service'] as const).map(async (app) => (await rows(stack, app, 'SELECT 1 FROM known_citizens WHERE personal_id = $1', [personalId]).catch(() => [])).length > 0),
    );
    if (seen.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`canary citizen ${personalId} did not reach the known-citizen read models`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------- main
async function main(): Promise<number> {
  ensureInfraEnv();
  const wanted = (process.env['FAULTS'] ?? ALL_FAULTS.join(',')).split(',').map((s) => s.trim()).filter(Boolean) as FaultName[];
  for (const f of wanted) if (!ALL_FAULTS.includes(f)) throw new Error(`unknown fault ${f} (known: ${ALL_FAULTS.join(', ')})`);
  let faults = wanted;
  const skipped: string[] = [];
  const others = otherTestRuns();
  if (others.length > 0 && process.env['FAULTS_INFRA'] !== '1') {
    const infra: FaultName[] = faults.filter((f) => f === 'kafka' || f === 'postgres');
    if (infra.length) {
      faults = faults.filter((f) => !infra.includes(f));
      skipped.push(...infra);
      log(`SKIPPING ${infra.join(' and ')} kills: other test runs share the broker and Postgres (${others.length} jest processes; FAULTS_INFRA=1 overrides)`);
    }
  }
  if (faults.includes('postgres') && !new URL(process.env['DATABASE_URL']!).port.match(/^(5432)?$/)) {
    log('SKIPPING postgres: DATABASE_URL is not the machine cluster on 5432 (pg_ctlcluster)');
    faults = faults.filter((f) => f !== 'postgres');
    skipped.push('postgres');
  }

  log('starting the stack (built apps from dist/)');
  const stack = await startTestStack({
    label: 'faults',
    partitions: 3,
    replicas: REPLICAS,
    env: {
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
      GATEWAY_RPC_TIMEOUT_MS: '3000',
      LOG_LEVEL: process.env['D06_TEST_LOG_LEVEL'] ?? 'warn',
    },
  });
  gatewayUrls = stack.gatewayUrls;
  let code = 0;
  try {
    await Promise.all(['officer', 'portal'].map((c) => token(c)));
    log('seeding: 5 establishments, 250 applicants');
    for (let i = 0; i < 5; i++) await createEstablishment();
    const pool: string[] = [];
    const seeders = Array.from({ length: 8 }, async () => {
      while (pool.length < 250) {
        const id = await registerCitizen();
        if (id) pool.push(id);
      }
    });
    await Promise.all(seeders);
    // The applicants must be known to residence before they can apply.
    const t = Date.now();
    for (;;) {
      const [{ n }] = await rows<{ n: number }>(stack, 'residence-service', 'SELECT count(*)::int AS n FROM known_citizens WHERE personal_id = ANY($1::text[])', [pool]);
      if (n === pool.length) break;
      if (Date.now() - t > 60_000) throw new Error(`only ${n}/${pool.length} applicants reached residence`);
      await sleep(200);
    }

    log(`load on; faults: ${faults.join(', ') || '(none)'}`);
    const loops = startLoad(pool);
    await sleep(5000);
    const perFault: { fault: string; downMs: number; recoverMs: number; outageMs: number; okDuring: number }[] = [];
    for (const fault of faults) {
      const okBefore = stats.ok;
      const t0 = Date.now();
      log(`kill -9 ${fault}`);
      await kill(stack, fault);
      await sleep(DOWN_MS);
      const tRestart = Date.now();
      log(`restart ${fault}`);
      await restart(stack, fault);
      await recovered(stack);
      const done = Date.now();
      perFault.push({ fault, downMs: tRestart - t0, recoverMs: done - tRestart, outageMs: done - t0, okDuring: stats.ok - okBefore });
      log(`${fault}: recovered end to end ${((done - tRestart) / 1000).toFixed(1)} s after the restart`);
      await sleep(4000);
    }
    log('load off; waiting for the in-flight requests');
    loadRunning = false;
    await Promise.all(loops);

    const tc = Date.now();
    let figures = await convergenceCheck(stack);
    let dlq = await dlqTopicMessages(stack);
    while ((figures.violations.length > 0 || dlq.some((d) => d.messages > 0)) && Date.now() - tc < CONVERGE_TIMEOUT_MS) {
      await sleep(500);
      figures = await convergenceCheck(stack);
      dlq = await dlqTopicMessages(stack);
    }
    const convergeMs = Date.now() - tc;
    const violations = [...figures.permanent, ...figures.violations];
    for (const d of dlq) if (d.messages > 0) violations.push(`${d.topic}: ${d.messages} messages`);
    violations.push(...(await leaderCheck(stack)));
    log('comparing every projection with a full replay of its store');
    violations.push(...(await replayCheck(stack)));

    console.log('\n=== fault test ===');
    console.log(`instances of each app: ${REPLICAS}${REPLICAS > 1 ? ' (each fault killed the first; the others kept serving)' : ''}`);
    console.log(`faults run: ${faults.join(', ') || '(none)'}${skipped.length ? `; SKIPPED: ${skipped.join(', ')}` : ''}`);
    console.log('fault               down s  recovered after restart s  outage s  2xx meanwhile');
    for (const p of perFault) {
      console.log(`${p.fault.padEnd(20)}${(p.downMs / 1000).toFixed(1).padStart(6)}  ${(p.recoverMs / 1000).toFixed(1).padStart(25)}  ${(p.outageMs / 1000).toFixed(1).padStart(8)}  ${String(p.okDuring).padStart(13)}`);
    }
    console.log(`requests ${stats.requests}, 2xx ${stats.ok}, attempts ${stats.attempts} (${stats.retried} retries with the same key)`);
    console.log(`final non-2xx by status: ${JSON.stringify(stats.finalNon2xx)}`);
    console.log(`attempt outcomes other than 2xx: ${JSON.stringify(Object.fromEntries(Object.entries(stats.attemptStatus).filter(([k]) => !k.startsWith('2'))))}`);
    console.log(`created: ${rec.citizens.size} citizens, ${rec.dossiers.size} dossiers (${[...rec.dossiers.values()].filter((d) => d.outcome).length} decided), ${rec.establishments.size} establishments, ${rec.notices.size} notices`);
    console.log(`lost = ${figures.lost}, doubled = ${figures.doubled}, created without a 2xx (client gave up) = ${figures.orphans}`);
    console.log(`${figures.violations.length ? 'NOT converged' : 'converged'} ${(convergeMs / 1000).toFixed(1)} s after the load stopped (and the in-flight requests ended); dlq topics: ${dlq.map((d) => `${d.topic.slice(stack.prefix.length)}=${d.messages}`).join(' ') || 'none created'}`);
    if (violations.length) {
      console.log(`\nVIOLATIONS (${violations.length}):`);
      for (const x of violations.slice(0, 40)) console.log(`  - ${x}`);
      code = 1;
    } else {
      console.log('\nOK: every 2xx present exactly once, read models equal their replay, pipelines caught up, DLQs empty');
    }
    console.log(`total ${((Date.now() - STARTED) / 1000).toFixed(0)} s`);
  } finally {
    loadRunning = false;
    if (process.env['FAULTS_KEEP'] === '1') log(`kept: databases ${Object.values(stack.databases).join(', ')}, topics ${stack.prefix}*`);
    else await stack.stop().catch((e) => log(`stack stop: ${(e as Error).message}`));
  }
  return code;
}

const bound = setTimeout(() => {
  console.error(`[faults] over the global bound of ${GLOBAL_BOUND_MS / 1000} s: giving up`);
  process.exit(2);
}, GLOBAL_BOUND_MS);
bound.unref();

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[faults] set-up failed: ${(err as Error).stack ?? err}`);
    process.exit(2);
  },
);
