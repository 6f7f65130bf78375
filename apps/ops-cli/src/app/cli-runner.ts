import { Command, CommanderError } from 'commander';
import { systemClock, type Clock } from '@d06/event-sourcing';
import { registerCommands } from './commands';
import type { Env } from './ops-config';
import { OpsContext, type OpsIo } from './ops-context';
import { EXIT_FAILED, EXIT_OK, EXIT_REFUSED, OpsError, messageOf } from './ops-errors';

export interface CliResult {
  code: number;
  /** What the command printed (empty when it wrote straight to the process streams). */
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Where output goes; by default it is captured and returned. */
  io?: OpsIo;
  clock?: Clock;
}

/** Help and version are answers, not errors. */
const SUCCESS_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Builds a fresh program (commander keeps parsed state on its commands, so one per run) whose
 * output and exits go through `io` and exceptions instead of process.stdout and process.exit.
 */
export function buildProgram(ctx: OpsContext): Command {
  const width = ctx.io.columns ?? 100;
  const program = new Command()
    .name('ops')
    .description('d06 operator CLI: history, verify, replay, republish, dlq, export, check-export, seed')
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => void ctx.io.stderr.write(text),
      getOutHelpWidth: () => width,
      getErrHelpWidth: () => width,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .exitOverride()
    .showHelpAfterError()
    .allowExcessArguments(false);
  registerCommands(program, ctx);
  return program;
}

/**
 * Runs one command line in-process: what main.ts does with the process streams, and what the
 * tests do with captured ones. Never throws and never exits; the exit status is in `code`:
 * 0 done, 1 the command found a problem or could not reach what it needs, 2 refused (usage).
 */
export async function runCli(args: readonly string[], env: Env, options: RunCliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: OpsIo = options.io ?? {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const ctx = new OpsContext(io, env, options.clock ?? systemClock);
  const program = buildProgram(ctx);
  let code = EXIT_OK;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (and the usage) through configureOutput.
      code = SUCCESS_CODES.has(err.code) ? EXIT_OK : EXIT_REFUSED;
    } else if (err instanceof OpsError) {
      io.stderr.write(`error [${err.code}]: ${err.message}\n`);
      code = err.exitCode;
    } else {
      io.stderr.write(`error [FAILED]: ${messageOf(err)}\n`);
      code = EXIT_FAILED;
    }
  }
  if (code === EXIT_OK) code = ctx.exitCode;
  return { code, stdout, stderr };
}
