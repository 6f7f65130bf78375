import { Command } from 'commander';
import { registerCommands } from './app/commands';

/**
 * The operator CLI (CONTRACT.md §6): `npm run ops -- <command>`. Works against a running system;
 * each command connects to the service's own database (and Kafka where it publishes).
 */
const program = new Command()
  .name('ops')
  .description('d06 operator CLI: history, verify, replay, republish, dlq, export, seed')
  .showHelpAfterError();
registerCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
