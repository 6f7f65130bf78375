// `npm test`: unit, integration and end-to-end suites of every project, against real Postgres and
// Kafka (started here when not running). Suites run in parallel, each with its own database and
// topic prefix. Ends with one line "N passed, N failed".
import { spawn } from 'node:child_process';
import { ensureInfra, say } from '../stack/infra.mjs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const targets = { unit: ['test'], int: ['int-test'], e2e: ['e2e-test'] };
const selected = only ? targets[only] : ['test', 'int-test', 'e2e-test'];
if (!selected) {
  console.error('usage: test.mjs [--only unit|int|e2e]');
  process.exit(2);
}

const started = Date.now();
let env = { ...process.env };
if (only !== 'unit') {
  say('making sure Postgres and Kafka are running');
  env = { ...env, ...(await ensureInfra({ installDeps: false })) };
}

let passed = 0;
let failed = 0;
let skipped = 0;
function scan(line) {
  // jest: "Tests:       1 failed, 2 skipped, 40 passed, 43 total"
  const m = /^\s*Tests:\s+(.*)$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
  if (!m) return;
  for (const part of m[1].split(',')) {
    const [n, what] = part.trim().split(/\s+/);
    if (what === 'passed') passed += Number(n);
    if (what === 'failed') failed += Number(n);
    if (what === 'skipped' || what === 'todo') skipped += Number(n);
  }
}

const parallel = process.env.D06_TEST_PARALLEL ?? '3';
say(`running ${selected.join(', ')} for every project (parallel ${parallel})`);
const child = spawn('npx', ['nx', 'run-many', '-t', ...selected, `--parallel=${parallel}`, '--outputStyle=static', '--skip-nx-cache'], {
  env: { ...env, FORCE_COLOR: '0', NX_TUI: 'false' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
for (const stream of [child.stdout, child.stderr]) {
  let buf = '';
  stream.on('data', (d) => {
    const text = String(d);
    (stream === child.stdout ? process.stdout : process.stderr).write(text);
    buf += text;
    const lines = buf.split('\n');
    buf = lines.pop();
    lines.forEach(scan);
  });
}
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
say(`tests finished in ${Math.round((Date.now() - started) / 1000)} s`);
if (code !== 0 && failed === 0) failed = 1; // a suite that crashed before reporting still fails the run
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
