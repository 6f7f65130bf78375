// Runs before `npm start`, `npm test` and friends: checks Node and installs npm dependencies when
// node_modules is missing or older than package-lock.json. Uses only Node's own modules.
import { ensureNodeModules, say } from '../stack/infra.mjs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`[d06] Node.js 20.19+ is needed (found ${process.versions.node}): install it from nodejs.org or your package manager.`);
  process.exit(3);
}
try {
  ensureNodeModules();
} catch (err) {
  say(err.message);
  process.exit(1);
}
