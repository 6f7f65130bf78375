/**
 * The little the library needs from a logger. Services pass an adapter over their pino logger;
 * the default writes one JSON line to stderr so that no failure is ever silent.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  return JSON.stringify({ level, time: new Date().toISOString(), lib: 'event-sourcing', msg: message, ...fields });
}

export const stderrLogger: Logger = {
  info: (m, f) => process.stderr.write(line('info', m, f) + '\n'),
  warn: (m, f) => process.stderr.write(line('warn', m, f) + '\n'),
  error: (m, f) => process.stderr.write(line('error', m, f) + '\n'),
};

/** For tests and benchmarks that assert on outcomes rather than on log lines. */
export const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
