// Runs one kind of test of one project: `unit` (*.spec.ts), `int` (*.int-spec.ts: real Postgres
// and Kafka, brought up by the global set-up) or `e2e` (*.e2e-spec.ts: the stack through HTTP).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [projectRoot, kind, ...rest] = process.argv.slice(2);
const patterns = { unit: '**/*.spec.ts', int: '**/*.int-spec.ts', e2e: '**/*.e2e-spec.ts' };
if (!projectRoot || !patterns[kind]) {
  console.error('usage: jest-target.mjs <projectRoot> unit|int|e2e [jest args]');
  process.exit(2);
}
const args = ['jest', '-c', path.join(projectRoot, 'jest.config.cts'), '--passWithNoTests', '--testMatch', `<rootDir>/src/${patterns[kind]}`];
if (kind !== 'unit') {
  args.push('--globalSetup', path.join(root, 'tools/jest/global-setup.cjs'), '--globalTeardown', path.join(root, 'tools/jest/global-teardown.cjs'));
}
const r = spawnSync('npx', [...args, ...rest], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
