/**
 * Identity context domain (pure): the citizen decider, the access-log decider.
 * Public event types live in `@d06/contracts` (IdentityEvent, AuditEvent).
 */
export {
  type RegisterCitizen,
  type CorrectCitizenDetails,
  type RecordDeath,
  type ChangeResidence,
  type CitizenCommand,
  type CitizenRecord,
  type NoCitizen,
  type AliveCitizen,
  type DeceasedCitizen,
  type CitizenState,
  citizenDecider,
  decide as decideCitizen,
  evolve as evolveCitizen,
  initialState as initialCitizenState,
} from './lib/citizen.decider';
export {
  type RecordDataAccess,
  type AccessLogCommand,
  type EmptyAccessLog,
  type RecordingAccessLog,
  type AccessLogState,
  accessLogDecider,
  decide as decideAccessLog,
  evolve as evolveAccessLog,
  initialState as initialAccessLogState,
} from './lib/access-log.decider';
export { localDateOf } from './lib/local-time';
