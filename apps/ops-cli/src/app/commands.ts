import type { Command } from 'commander';

/** Each command registers itself here; see ./commands/. */
export function registerCommands(program: Command): void {
  void program;
}
