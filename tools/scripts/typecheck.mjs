// `nx run <project>:typecheck`: type-checks every tsconfig of the project (app/lib and specs),
// since builds and tests only transpile.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const projectRoot = process.argv[2];
const configs = readdirSync(projectRoot).filter((f) => /^tsconfig\.(app|lib|spec)\.json$/.test(f));
let failed = false;
for (const c of configs) {
  const r = spawnSync('npx', ['tsc', '--noEmit', '-p', path.join(projectRoot, c)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
