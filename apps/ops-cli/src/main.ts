import 'reflect-metadata';
import { runCli } from './app/cli-runner';
import { processEnv } from './app/ops-config';

/**
 * The operator CLI (CONTRACT.md §6): `npm run ops -- <command>`. Works against a running system;
 * each command connects to the service's own database (and Kafka where it publishes). Everything
 * happens in runCli (testable in-process); this file only binds it to the process.
 */
const stderr = process.stderr;
runCli(process.argv.slice(2), processEnv(), {
  io: {
    stdout: process.stdout,
    stderr,
    progress: stderr.isTTY ? stderr : undefined,
    columns: process.stdout.columns,
  },
}).then(
  // Every command closes its connections before it returns; exiting here also ends whatever a
  // library might leave scheduled (a kafkajs timer) instead of hanging the operator's shell.
  (result) => process.exit(result.code),
  (err: unknown) => {
    stderr.write(`error [FAILED]: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
