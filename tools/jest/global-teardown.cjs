// Stops containers the set-up started; the local stack is left running for the next suite
// (stopping it is `npm run stack:down`).
module.exports = async function globalTeardown() {
  if (globalThis.__D06_CONTAINERS__) {
    const { stopContainers } = require('./testcontainers.cjs');
    await stopContainers();
  }
};
