import type { Command } from 'commander';
import { registerCheckExportCommand } from './commands/check-export.command';
import { registerDlqCommand } from './commands/dlq.command';
import { registerExportCommand } from './commands/export.command';
import { registerHistoryCommand } from './commands/history.command';
import { registerReplayCommand } from './commands/replay.command';
import { registerRepublishCommand } from './commands/republish.command';
import { registerSeedCommand } from './commands/seed.command';
import { registerVerifyCommand } from './commands/verify.command';
import type { OpsContext } from './ops-context';

/** Each command registers itself here; see ./commands/ (one file per command). */
export function registerCommands(program: Command, ctx: OpsContext): void {
  registerHistoryCommand(program, ctx);
  registerVerifyCommand(program, ctx);
  registerReplayCommand(program, ctx);
  registerRepublishCommand(program, ctx);
  registerDlqCommand(program, ctx);
  registerExportCommand(program, ctx);
  registerCheckExportCommand(program, ctx);
  registerSeedCommand(program, ctx);
}
