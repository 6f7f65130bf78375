/**
 * Errors of the operator CLI. Each has a stable code (printed, and what tests branch on) and the
 * exit status it ends the process with:
 *   1  the command ran and found a problem (broken chain, invalid export, database or Kafka
 *      unreachable, a retry that failed)
 *   2  refused before doing anything: bad usage, an unknown service or projection, or a request
 *      that would be unsafe (e.g. `--to` beyond the head)
 */
export type OpsErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'UNKNOWN_PROJECTION'
  | 'REFUSED'
  | 'NOT_FOUND'
  | 'DATABASE_UNREACHABLE'
  | 'DATABASE_MISSING'
  | 'STORE_MISSING'
  | 'READ_MODEL_MISSING'
  | 'KAFKA_UNREACHABLE'
  | 'TOPIC_MISSING'
  | 'CHAIN_BROKEN'
  | 'EXPORT_INVALID'
  | 'SIGNING_KEY'
  | 'FILE'
  | 'RETRY_FAILED'
  | 'REPLAY_FAILED'
  | 'FAILED';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_REFUSED = 2;

const REFUSAL_CODES: ReadonlySet<OpsErrorCode> = new Set(['USAGE', 'CONFIG', 'UNKNOWN_PROJECTION', 'REFUSED']);

export class OpsError extends Error {
  readonly exitCode: number;

  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OpsError';
    this.exitCode = REFUSAL_CODES.has(code) ? EXIT_REFUSED : EXIT_FAILED;
  }
}

export function refused(message: string): OpsError {
  return new OpsError('REFUSED', message);
}

export function usage(message: string): OpsError {
  return new OpsError('USAGE', message);
}

/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors made by Node
 * itself in another realm (a test runner's sandbox) are not instances of this realm's Error.
 */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { message, errors, name } = err as { message?: unknown; errors?: unknown; name?: unknown };
    // Node's connect to a host with several addresses fails with an AggregateError and no message.
    if (Array.isArray(errors) && errors.length > 0 && !message) return messageOf(errors[0]);
    if (typeof message === 'string' && message) return message;
    if (typeof name === 'string') return name;
  }
  return typeof err === 'string' ? err : JSON.stringify(err);
}
