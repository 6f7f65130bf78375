import type { EntityManager } from 'typeorm';
import type { Decider, DomainError, DomainEvent, RequestMeta } from '@d06/contracts';
import { ConcurrencyError } from './errors';
import type { EventStore } from './event-store';
import type { RecordedEvent } from './recorded-event';

export interface HandleCommandOptions<C, E extends DomainEvent, S> {
  store: EventStore;
  decider: Decider<C, E, S>;
  streamId: string;
  command: C;
  meta: RequestMeta;
  /** Reloads and decides again this many times when another writer got there first (default 3). */
  maxRetries?: number;
  occurredAt?: Date;
  /**
   * Run inside the caller's transaction (e.g. a consumer's, so the processed-event record and
   * the append commit together). A conflict then cannot be retried here: the caller's
   * transaction is aborted, so it is rethrown for the caller to retry as a whole.
   */
  manager?: EntityManager;
  /** Extra work in the append's transaction (e.g. a uniqueness table the decider cannot see). */
  inTransaction?: (manager: EntityManager, events: readonly RecordedEvent[]) => Promise<void>;
  /**
   * The id of the n-th event decided (0-based), instead of a fresh one. A retried request that
   * derives these from its request id is recognised: when the decider refuses it because an
   * earlier attempt of it was stored, the result is that attempt's events (ok), not the refusal.
   */
  eventIdOf?: (index: number) => string;
  /**
   * The stream is expected not to exist yet (an id made for this command, fresh or derived from
   * the request id, or a natural key registered once), so its history is presumed empty and not
   * read: one round trip fewer. Should the stream exist after all (a retry of the same request,
   * a second registration), the append fails on its expected version and the command is handled
   * the usual way, history first. Ignored with `manager` (there a failed
   * append aborts the caller's transaction).
   */
  newStream?: boolean;
}

export type CommandResult<E extends DomainEvent, S> =
  | { ok: true; state: S; events: RecordedEvent<E['type']>[]; version: number }
  | { ok: false; error: DomainError };

/**
 * Load, decide, append with the expected version; on a concurrent change reload and decide again
 * (the decision may differ now), at most `maxRetries` times, then answer CONCURRENT_CHANGE.
 * The decider stays pure: it sees folded state and returns events or a refusal.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  options: HandleCommandOptions<C, E, S>,
): Promise<CommandResult<E, S>> {
  const { store, decider, streamId, command, meta } = options;
  const maxRetries = options.maxRetries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const presumeEmpty = attempt === 0 && options.newStream === true && !options.manager;
    const history = presumeEmpty ? [] : await store.readStream(streamId, { manager: options.manager });
    // Stored events of this stream were produced by this decider: their type/data are E.
    const state = history.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState);
    const version = history.length === 0 ? 0 : history[history.length - 1].streamVersion;
    const decision = decider.decide(command, state);
    if (!decision.ok) {
      // Refused now, but perhaps because this very request was stored by an earlier attempt:
      // then it succeeded, and its events are the answer.
      const earlier = options.eventIdOf ? ownEvents(history, options.eventIdOf) : [];
      if (earlier.length > 0) return { ok: true, state, events: earlier as RecordedEvent<E['type']>[], version };
      return { ok: false, error: decision.error };
    }
    if (decision.events.length === 0) return { ok: true, state, events: [], version };
    try {
      const result = await store.append(
        streamId,
        version === 0 ? 'no-stream' : version,
        decision.events.map((e, i) => ({ type: e.type, data: e.data, ...(options.eventIdOf ? { eventId: options.eventIdOf(i) } : {}) })),
        { meta, occurredAt: options.occurredAt, inTransaction: options.inTransaction, manager: options.manager },
      );
      const next = decision.events.reduce((s, e) => decider.evolve(s, e), state);
      return { ok: true, state: next, events: result.events as RecordedEvent<E['type']>[], version: result.version };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || options.manager) throw err;
      if (attempt >= maxRetries) {
        return {
          ok: false,
          error: { code: 'CONCURRENT_CHANGE', message: `${streamId} kept changing concurrently; try again` },
        };
      }
    }
  }
}

/** The events of the stream an earlier attempt of this request appended (ids 0, 1, ... in a row). */
function ownEvents(history: readonly RecordedEvent[], eventIdOf: (index: number) => string): RecordedEvent[] {
  // Derived ids are hashes: work out the first once, not once per event of the stream.
  const first = eventIdOf(0);
  const start = history.findIndex((e) => e.eventId === first);
  if (start < 0) return [];
  const own: RecordedEvent[] = [];
  for (let i = start; i < history.length && history[i].eventId === eventIdOf(i - start); i++) own.push(history[i]);
  return own;
}
