// Global set-up of the int-test and e2e-test targets: make sure Postgres and Kafka are there.
// Order (issue 2): DATABASE_URL/KAFKA_BROKERS when set; else testcontainers when a Docker engine
// answers; else the local stack of deploy/local (started when needed).
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');

function dockerEngineAnswers() {
  if (process.env.D06_TESTCONTAINERS === '0') return false;
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 && String(r.stdout).trim().length > 0;
}

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL && process.env.KAFKA_BROKERS) return;
  if (dockerEngineAnswers()) {
    const { startContainers } = require('./testcontainers.cjs');
    const env = await startContainers();
    Object.assign(process.env, env);
    return;
  }
  const infra = await import(path.join(root, 'tools/stack/infra.mjs'));
  const env = await infra.ensureInfra({ installDeps: false });
  Object.assign(process.env, env);
};
