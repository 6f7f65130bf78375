import type { ErrorCode, FieldError } from './rpc';

/**
 * A decider (DESIGN.md): three pure functions. `decide` answers a command with the events to
 * append or a refusal; `evolve` folds one event into the state; `initialState` is the state of
 * a stream that does not exist yet. Domain libs implement this; the event-sourcing library runs it.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

export interface DomainError {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}

export type Decision<E> = { ok: true; events: E[] } | { ok: false; error: DomainError };

export interface Decider<C, E, S> {
  decide(command: C, state: S): Decision<E>;
  evolve(state: S, event: E): S;
  initialState: S;
}

export function accept<E>(...events: E[]): Decision<E> {
  return { ok: true, events };
}

export function refuse<E = never>(code: ErrorCode, message: string, errors?: FieldError[]): Decision<E> {
  return { ok: false, error: errors ? { code, message, errors } : { code, message } };
}

/** Compile-time exhaustiveness: a switch over a union ends here when every case is handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
