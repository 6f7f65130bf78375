// npm start            foreground: infra, build, the four apps; Ctrl-C stops all it started
// npm run stack:up     the same in the background; returns when GET /health is 200 (5 min max)
// npm run stack:down   stops the apps (by recorded pid), the Kafka broker and a private Postgres
// npm run stack:status
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, ensureInfra, PrerequisiteError, root, say, stopKafka, stopPrivatePostgres } from './infra.mjs';

// Each app's own node flags (deploy/local/node-args.json; the deployments set the same).
const APP_NODE_ARGS = JSON.parse(readFileSync(path.join(root, 'deploy/local/node-args.json'), 'utf8'));
const nodeArgsOf = (app) => APP_NODE_ARGS[app] ?? [];

export const APPS = [
  { name: 'identity-service', healthPort: () => Number(process.env.IDENTITY_HTTP_PORT ?? 3101) },
  { name: 'residence-service', healthPort: () => Number(process.env.RESIDENCE_HTTP_PORT ?? 3102) },
  { name: 'lodging-service', healthPort: () => Number(process.env.LODGING_HTTP_PORT ?? 3103) },
  { name: 'gateway', healthPort: () => Number(process.env.GATEWAY_PORT ?? 3000) },
];
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
const gatewayPort = () => Number(process.env.GATEWAY_PORT ?? 3000);
const UP_TIMEOUT_MS = 5 * 60 * 1000;

function build() {
  say('building the apps (cached when unchanged)');
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS.map((a) => a.name), '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('build failed: run `npx nx run-many -t build` to see why');
}

function appEnv(infraEnv) {
  return { ...process.env, ...infraEnv, NODE_ENV: process.env.NODE_ENV ?? 'development' };
}

function pidFile(name) {
  return path.join(runDir, `${name}.pid`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function recordedPid(name) {
  try {
    const pid = Number(readFileSync(pidFile(name), 'utf8'));
    if (!pid || !alive(pid)) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(`dist/apps/${name}/main.js`) ? pid : null;
  } catch {
    return null;
  }
}

async function health() {
  try {
    const res = await fetch(`http://127.0.0.1:${gatewayPort()}/health`, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: err.message };
  }
}

async function waitHealthy(deadlineMs, isStillRunning) {
  let last = { status: 0, body: '' };
  while (Date.now() < deadlineMs) {
    last = await health();
    if (last.status === 200) return last;
    const dead = isStillRunning();
    if (dead) throw new Error(`${dead} exited during start-up; see ${path.join(logDir, `${dead}.log`)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`GET /health did not answer 200 within ${Math.round(UP_TIMEOUT_MS / 1000)} s (last: ${last.status} ${last.body})`);
}

function printUrls() {
  const p = gatewayPort();
  say(`gateway      http://127.0.0.1:${p}/api/v1`);
  say(`health       http://127.0.0.1:${p}/health`);
  say(`API docs     http://127.0.0.1:${p}/api/docs (OpenAPI JSON: /api/docs-json)`);
  say(`metrics      http://127.0.0.1:${p}/metrics; services on ${APPS.slice(0, 3).map((a) => a.healthPort()).join(', ')} (/health, /metrics)`);
}

async function up() {
  const started = Date.now();
  const env = appEnv(await ensureInfra());
  build();
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  for (const app of APPS) {
    if (recordedPid(app.name)) {
      say(`${app.name} already running`);
      continue;
    }
    const out = openSync(path.join(logDir, `${app.name}.log`), 'a');
    const child = spawn(process.execPath, [...nodeArgsOf(app.name), path.join(root, 'dist/apps', app.name, 'main.js')], {
      cwd: root,
      env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    writeFileSync(pidFile(app.name), String(child.pid));
    child.unref();
    say(`started ${app.name} (pid ${child.pid}, log .data/logs/${app.name}.log)`);
  }
  const h = await waitHealthy(started + UP_TIMEOUT_MS, () => APPS.find((a) => !recordedPid(a.name))?.name);
  say(`up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${h.body}`);
  printUrls();
}

async function stopApps() {
  const pids = APPS.map((a) => [a.name, recordedPid(a.name)]).filter(([, pid]) => pid);
  for (const [name, pid] of pids) {
    say(`stopping ${name} (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 15_000;
  for (const [name, pid] of pids) {
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) {
      say(`${name} still running after 15 s; killing`);
      process.kill(pid, 'SIGKILL');
    }
  }
  for (const a of APPS) rmSync(pidFile(a.name), { force: true });
}

async function down() {
  await stopApps();
  stopKafka();
  stopPrivatePostgres();
  say('stack stopped');
}

async function status() {
  for (const a of APPS) say(`${a.name.padEnd(18)} ${recordedPid(a.name) ? `running (pid ${recordedPid(a.name)})` : 'not running'}`);
  const h = await health();
  say(`GET /health -> ${h.status || 'no answer'} ${h.body}`);
}

/** Foreground: children share our process group, logs go to the terminal with a name prefix. */
async function start() {
  const env = appEnv(await ensureInfra());
  build();
  const children = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    say('stopping everything this command started');
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    stopKafka();
    stopPrivatePostgres();
    process.exit(code);
  };
  for (const app of APPS) {
    const child = spawn(process.execPath, [...nodeArgsOf(app.name), path.join(root, 'dist/apps', app.name, 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `${app.name.padEnd(18)}| `;
    const pipe = (stream, target) => {
      let buf = '';
      stream.on('data', (d) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop();
        for (const l of lines) target.write(prefix + l + '\n');
      });
    };
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        say(`${app.name} exited (${signal ?? code}); stopping the rest`);
        void stopAll(1);
      }
    });
    children.push(child);
  }
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  await waitHealthy(Date.now() + UP_TIMEOUT_MS, () => null);
  say('all services up; Ctrl-C stops everything');
  printUrls();
}

const commands = { start, up, down, status };
const cmd = process.argv[2];
if (!commands[cmd]) {
  console.error(`usage: stack.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
commands[cmd]().catch((err) => {
  console.error(`[d06] ${err.message}`);
  process.exit(err instanceof PrerequisiteError ? 3 : 1);
});
