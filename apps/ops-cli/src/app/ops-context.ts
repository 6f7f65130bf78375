import type { Clock, Logger } from '@d06/event-sourcing';
import { ConfigError, readOpsConfig, type Env, type OpsConfig } from './ops-config';
import { OpsError } from './ops-errors';

/** Where a command writes text: the process streams, or buffers when run in-process by a test. */
export interface TextSink {
  write(text: string): unknown;
}

export interface OpsIo {
  stdout: TextSink;
  stderr: TextSink;
  /** A terminal to draw progress bars on; none when the output is captured or piped. */
  progress?: NodeJS.WriteStream;
  /** Width for help text and tables (default 100). */
  columns?: number;
}

/**
 * What every command receives: its output streams, the clock, and the configuration, read from
 * the environment once (on first use, so that `--help` works whatever the environment holds).
 */
export class OpsContext {
  private configValue: OpsConfig | undefined;
  /** Set by a command whose answer is "a problem was found" (exit 1) without an exception. */
  exitCode = 0;

  constructor(
    readonly io: OpsIo,
    private readonly env: Env,
    readonly clock: Clock,
  ) {}

  get config(): OpsConfig {
    if (!this.configValue) {
      try {
        this.configValue = readOpsConfig(this.env);
      } catch (err) {
        if (err instanceof ConfigError) throw new OpsError('CONFIG', `invalid configuration: ${err.problems.join('; ')}`);
        throw err;
      }
    }
    return this.configValue;
  }

  /** One line on stdout: a command's answer. */
  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** One line on stderr: notes and warnings, never part of the answer. */
  note(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** The event-sourcing library's logger, on stderr (e.g. a replay resuming from its checkpoint). */
  readonly logger: Logger = {
    info: (message, fields) => this.note(`note: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
    warn: (message, fields) => this.note(`warning: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
    error: (message, fields) => this.note(`error: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
  };
}
