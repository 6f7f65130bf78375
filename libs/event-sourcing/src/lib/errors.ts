/**
 * Errors of the event-sourcing library. Each carries a stable `code` so callers (and the
 * gateway's error filter) branch on the code, never on the message text.
 */
export type ExpectedVersion = number | 'no-stream' | 'any';

export abstract class EventSourcingError extends Error {
  abstract readonly code: string;
}

/** The stream is not at the version the writer expected: someone else appended first. */
export class ConcurrencyError extends EventSourcingError {
  readonly code = 'CONCURRENT_CHANGE';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The version found; null when the conflict surfaced as a unique violation at commit. */
    readonly actual: number | null,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, found ${actual === null ? 'a newer one' : actual}`);
    this.name = 'ConcurrencyError';
  }
}

/** An event id that is already in the store (a retried append that had in fact committed). */
export class DuplicateEventError extends EventSourcingError {
  readonly code = 'DUPLICATE_EVENT';
  constructor(readonly detail: string) {
    super(`an event with the same id is already stored: ${detail}`);
    this.name = 'DuplicateEventError';
  }
}

/** An event's stored schema version cannot be brought to the current one. */
export class UpcastError extends EventSourcingError {
  readonly code = 'UPCAST_FAILED';
  constructor(
    readonly eventType: string,
    readonly fromVersion: number,
    message: string,
  ) {
    super(`cannot upcast ${eventType} v${fromVersion}: ${message}`);
    this.name = 'UpcastError';
  }
}

/** A caller broke the API's rules (bad identifier, duplicate stream in one batch, ...). */
export class InvalidArgumentError extends EventSourcingError {
  readonly code = 'INVALID_ARGUMENT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}

/** A replay could not complete (another replay holds the lock, the pipeline is stalled, ...). */
export class ReplayError extends EventSourcingError {
  readonly code = 'REPLAY_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
