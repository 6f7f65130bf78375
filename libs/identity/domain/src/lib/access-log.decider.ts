import {
  type AuditEvent,
  type DataAccessChannel,
  type Decider,
  type Decision,
  accept,
  assertNever,
} from '@d06/contracts';

/**
 * What can happen to a citizen's access log (stream id `access-<personalId>`, see
 * `accessStreamIdOf` in contracts; appended with "any" expected version, published to
 * `audit.events`): a read of the citizen's data is recorded. Recording never fails, so the
 * identity service need not even load the stream before appending.
 */

/** Record that `clientId` read `fields` of citizen `personalId` (identity lookup or sharing). */
export interface RecordDataAccess {
  type: 'RecordDataAccess';
  personalId: string;
  clientId: string;
  purpose: string | null;
  fields: string[];
  channel: DataAccessChannel;
  correlationId: string;
  now: string;
}

export type AccessLogCommand = RecordDataAccess;

export interface EmptyAccessLog {
  status: 'EMPTY';
}

export interface RecordingAccessLog {
  status: 'RECORDING';
  personalId: string;
  accessCount: number;
  lastAccessedAt: string;
}

export type AccessLogState = EmptyAccessLog | RecordingAccessLog;

export const initialState: AccessLogState = { status: 'EMPTY' };

export function decide(command: AccessLogCommand, _state: AccessLogState): Decision<AuditEvent> {
  switch (command.type) {
    case 'RecordDataAccess':
      return accept({
        type: 'CitizenDataAccessed',
        data: {
          personalId: command.personalId,
          clientId: command.clientId,
          purpose: command.purpose,
          fields: [...command.fields],
          channel: command.channel,
          correlationId: command.correlationId,
          accessedAt: command.now,
        },
      });
    default:
      return assertNever(command.type, 'access log command');
  }
}

export function evolve(state: AccessLogState, event: AuditEvent): AccessLogState {
  switch (event.type) {
    case 'CitizenDataAccessed':
      return {
        status: 'RECORDING',
        personalId: event.data.personalId,
        accessCount: (state.status === 'RECORDING' ? state.accessCount : 0) + 1,
        lastAccessedAt: event.data.accessedAt,
      };
    default:
      return assertNever(event.type, 'audit event');
  }
}

/** The access-log decider: `decide`, `evolve`, `initialState`. */
export const accessLogDecider: Decider<AccessLogCommand, AuditEvent, AccessLogState> = { decide, evolve, initialState };
