// `npm run bench`: every benchmark in bench/, one after the other, on this machine.
// Library benchmarks run first; those that drive the HTTP API get the local stack (started here
// unless GATEWAY_URL points at one) and its URL in GATEWAY_URL. Each writes bench/results/<name>.json
// and prints its own table; this prints where they are. Benchmarks never fail a build by time.
//   npm run bench                 all
//   npm run bench -- identity     only the named ones
//   BENCH_QUICK=1 npm run bench   small sizes (a smoke run)
// bench/machine runs first every time (CPU speed, cost of a process wake-up): the other figures
// are read against it. The apps are built first (Nx caches an unchanged build).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
// Order matters: the library first, the whole-system load last.
const ORDER = ['machine', 'event-store', 'identity', 'residence', 'lodging', 'mixed-load'];
// These start a stack of their own (own topic prefix and databases, tuned for load); the others
// drive the stack at GATEWAY_URL, started here when not given.
const STACKLESS = new Set(['machine', 'event-store', 'identity', 'residence', 'lodging', 'mixed-load']);

const wanted = process.argv.slice(2);
const found = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'results' && d.name !== 'node_modules')
  .map((d) => d.name)
  .filter((name) => existsSync(path.join(here, name, `${name}.bench.ts`)));
const names = found
  .filter((n) => wanted.length === 0 || wanted.includes(n) || n === 'machine')
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));

console.log(`[bench] machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

// The service benchmarks start the built apps (dist/apps); an unchanged build comes from Nx's cache.
if (names.some((n) => !['machine', 'event-store'].includes(n))) {
  const apps = 'gateway,identity-service,residence-service,lodging-service,ops-cli';
  console.log(`[bench] building ${apps}`);
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', apps, '--parallel=2', '--output-style=static'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) throw new Error('the apps did not build');
}

const infra = await import(path.join(root, 'tools/stack/infra.mjs'));
const env = { ...process.env, ...(await infra.ensureInfra({ installDeps: false })), SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json') };

let stackStarted = false;
function ensureStack() {
  if (env.GATEWAY_URL || stackStarted) return;
  const r = spawnSync(process.execPath, [path.join(root, 'tools/stack/stack.mjs'), 'up'], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error('the stack did not come up');
  env.GATEWAY_URL = `http://127.0.0.1:${env.GATEWAY_PORT ?? 3000}`;
  stackStarted = true;
}

const outcomes = [];
for (const name of names) {
  if (!STACKLESS.has(name)) ensureStack();
  console.log(`\n[bench] ${name}`);
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(here, name, `${name}.bench.ts`)], { stdio: 'inherit', env, cwd: root });
  outcomes.push(`${name}: ${r.status === 0 ? 'done' : `exit ${r.status}`} (bench/results/${name}.json)`);
}
console.log(`\n[bench] ${outcomes.join('\n[bench] ') || 'no benchmarks found'}`);
if (stackStarted) console.log('[bench] the stack is still running: `npm run stack:down` stops it');
