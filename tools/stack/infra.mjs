// Brings up what the platform needs on this machine and tells where it is:
//   Postgres: DATABASE_URL when set; else the server at 127.0.0.1:5432 when it answers; else a
//             private cluster from the machine's Postgres binaries under .data/pg on port 5433.
//   Kafka:    KAFKA_BROKERS when set; else the local single-node broker of deploy/local/kafka.
// Used by `npm start`, `npm run stack:up`, `npm test` and the jest global set-up.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dataDir = process.env.D06_DATA_DIR ?? path.join(root, '.data');
const PRIVATE_PG_PORT = Number(process.env.D06_PRIVATE_PG_PORT ?? 5433);

export const say = (msg) => console.log(`[d06] ${msg}`);

export class PrerequisiteError extends Error {}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing npm dependencies (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm ci failed');
}

async function pgAnswers(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const bin = path.join(base, v, 'bin');
      if (existsSync(path.join(bin, 'initdb'))) return bin;
    }
  }
  if (has('initdb') && has('pg_ctl')) return path.dirname(execFileSync('sh', ['-c', 'command -v initdb']).toString().trim());
  return null;
}

/** initdb refuses to run as root: run the private cluster as the `postgres` system user then. */
function asPgUser(cmd, args) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) return spawnSync(cmd, args, { stdio: 'inherit' });
  return spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'inherit' });
}

async function ensurePrivatePostgres() {
  const bin = postgresBinDir();
  if (!bin) {
    throw new PrerequisiteError(
      'No PostgreSQL found: install PostgreSQL 14+ (e.g. `apt-get install postgresql`), or set DATABASE_URL to a server, or use Docker (docker compose up).',
    );
  }
  const pgData = path.join(dataDir, 'pg');
  const url = `postgres://postgres@127.0.0.1:${PRIVATE_PG_PORT}/postgres`;
  if (await pgAnswers(url)) return url;
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dataDir]);
  if (!existsSync(path.join(pgData, 'PG_VERSION'))) {
    say(`creating a private Postgres cluster in ${pgData}`);
    const r = asPgUser(path.join(bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
    if (r.status !== 0) throw new Error('initdb failed');
  }
  say(`starting the private Postgres on 127.0.0.1:${PRIVATE_PG_PORT}`);
  const r = asPgUser(path.join(bin, 'pg_ctl'), [
    '-D', pgData, '-l', path.join(pgData, 'server.log'), '-w', '-t', '60', 'start',
    '-o', `-p ${PRIVATE_PG_PORT} -h 127.0.0.1 -k /tmp -c max_connections=300`,
  ]);
  if (r.status !== 0) throw new Error(`the private Postgres did not start; see ${pgData}/server.log`);
  return url;
}

/** Returns a DATABASE_URL that answers, starting a private cluster when nothing else does. */
export async function ensurePostgres() {
  if (process.env.DATABASE_URL) {
    if (!(await pgAnswers(process.env.DATABASE_URL))) {
      throw new PrerequisiteError(`DATABASE_URL is set but Postgres does not answer there (${redactUrl(process.env.DATABASE_URL)}).`);
    }
    return process.env.DATABASE_URL;
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await pgAnswers(local)) return local;
  return ensurePrivatePostgres();
}

export function stopPrivatePostgres() {
  const pgData = path.join(dataDir, 'pg');
  const bin = postgresBinDir();
  if (!bin || !existsSync(path.join(pgData, 'postmaster.pid'))) return;
  say('stopping the private Postgres');
  asPgUser(path.join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', 'stop']);
}

const kafkaScript = path.join(root, 'deploy/local/kafka/kafka.sh');

/** Returns KAFKA_BROKERS, starting the local broker (and fetching its jars once) when needed. */
export async function ensureKafka() {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  const brokers = `127.0.0.1:${port}`;
  if (await portOpen(port)) return brokers;
  if (!has('java') || !has('mvn')) {
    throw new PrerequisiteError(
      'Kafka is not running and Java 17 + Maven are needed to start the local broker: install them (e.g. `apt-get install openjdk-17-jre-headless maven`), or set KAFKA_BROKERS, or use Docker (docker compose up).',
    );
  }
  const r = spawnSync('bash', [kafkaScript, 'start'], { stdio: 'inherit', env: { ...process.env, D06_DATA_DIR: dataDir } });
  if (r.status !== 0) throw new Error('the local Kafka broker did not start (see .data/kafka/log)');
  return brokers;
}

export function stopKafka() {
  spawnSync('bash', [kafkaScript, 'stop'], { stdio: 'inherit', env: { ...process.env, D06_DATA_DIR: dataDir } });
}

export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Everything at once: deps, Postgres, Kafka. Returns the environment for the apps and tests. */
export async function ensureInfra({ installDeps = true } = {}) {
  if (installDeps) ensureNodeModules();
  const [databaseUrl, kafkaBrokers] = [await ensurePostgres(), await ensureKafka()];
  return { DATABASE_URL: databaseUrl, KAFKA_BROKERS: kafkaBrokers };
}

export function writeState(name, value) {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, name), JSON.stringify(value, null, 2));
}

export function readState(name) {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, name), 'utf8'));
  } catch {
    return null;
  }
}

export const cpuCount = os.cpus().length;

// `node tools/stack/infra.mjs ensure` prints the environment as JSON (used by scripts and CI).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'ensure';
  try {
    if (cmd === 'ensure') {
      const env = await ensureInfra({ installDeps: false });
      console.log(JSON.stringify(env));
    } else if (cmd === 'stop') {
      stopKafka();
      stopPrivatePostgres();
    } else {
      console.error('usage: infra.mjs ensure|stop');
      process.exit(2);
    }
  } catch (err) {
    console.error(`[d06] ${err.message}`);
    process.exit(err instanceof PrerequisiteError ? 3 : 1);
  }
}
