export * from './lib/errors';
export * from './lib/clock';
export * from './lib/logger';
export * from './lib/recorded-event';
export * from './lib/hash-chain';
export * from './lib/upcaster-registry';
export * from './lib/event-store.migration';
export * from './lib/event-store';
export * from './lib/projection';
export * from './lib/sealer';
export * from './lib/leader-election';
export * from './lib/relay';
export * from './lib/event-pipeline';
export * from './lib/pipeline-status';
export * from './lib/kafka-topics';
export * from './lib/envelope-parser';
export * from './lib/event-consumer';
export * from './lib/replay';
export * from './lib/command-handler';
export * from './lib/group-commit';
export {
  execute,
  queryPrepared,
  queryRows,
  queryOne,
  pgError,
  isConnectionError,
  type SqlTarget,
  type SqlResult,
  type PgErrorInfo,
  type PreparedQuery,
} from './lib/sql';
import { applyKafkajsIdleFix } from './lib/kafkajs-idle-fix';
// Every app and test that talks to Kafka loads this library first (platform re-exports from
// it), so this is where kafkajs' idle timer loop is mended once per process.
applyKafkajsIdleFix();
export { applyKafkajsIdleFix };
