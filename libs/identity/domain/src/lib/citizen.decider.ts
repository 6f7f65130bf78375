import {
  type Address,
  type CitizenDetailsChanges,
  type CitizenGender,
  type Decider,
  type Decision,
  type FieldError,
  type IdentityEvent,
  type ResidenceKind,
  type ResidenceProcedure,
  accept,
  assertNever,
  refuse,
} from '@d06/contracts';
import { localDateOf } from './local-time';

/**
 * What can happen to a citizen in the population register (stream id = personalId).
 * Formats (personalId, dates, gender agreeing with the number, address codes) are checked by the
 * identity service before it calls `decide`; `decide` enforces the rules that need the history.
 */

// ---------------------------------------------------------------------------------------------
// Commands

/** Enter a citizen in the register (`POST /citizens`). */
export interface RegisterCitizen {
  type: 'RegisterCitizen';
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: CitizenGender;
  permanentAddress: Address | null;
  /** The clock (ISO instant). */
  now: string;
}

/** Correct name, date of birth or gender; fields left out are not changed. */
export interface CorrectCitizenDetails {
  type: 'CorrectCitizenDetails';
  personalId: string;
  changes: CitizenDetailsChanges;
  now: string;
}

/** Record the citizen's death (`POST /citizens/{personalId}/death`). */
export interface RecordDeath {
  type: 'RecordDeath';
  personalId: string;
  dateOfDeath: string;
  now: string;
}

/**
 * Set or clear (address null) the permanent or temporary address, because a residence dossier
 * was approved (the identity service builds it from `DossierApproved.residenceEffect`).
 */
export interface ChangeResidence {
  type: 'ChangeResidence';
  personalId: string;
  kind: ResidenceKind;
  address: Address | null;
  /** End of a temporary residence's term; ignored (recorded as null) for PERMANENT or a cleared address. */
  validUntil: string | null;
  dossierId: string;
  procedure: ResidenceProcedure;
  now: string;
}

export type CitizenCommand = RegisterCitizen | CorrectCitizenDetails | RecordDeath | ChangeResidence;

// ---------------------------------------------------------------------------------------------
// State

/** What the register knows of a citizen who exists. */
export interface CitizenRecord {
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: CitizenGender;
  permanentAddress: Address | null;
  temporaryAddress: Address | null;
  /** End of the temporary residence's term (null when there is none). */
  temporaryValidUntil: string | null;
  /** The dossiers whose residence change was applied, so a redelivered approval changes nothing. */
  residenceDossierIds: readonly string[];
  registeredAt: string;
}

export interface NoCitizen {
  status: 'NONE';
}

export interface AliveCitizen extends CitizenRecord {
  status: 'ALIVE';
}

export interface DeceasedCitizen extends CitizenRecord {
  status: 'DECEASED';
  dateOfDeath: string;
}

export type CitizenState = NoCitizen | AliveCitizen | DeceasedCitizen;

export const initialState: CitizenState = { status: 'NONE' };

// ---------------------------------------------------------------------------------------------
// decide

function notFound(personalId: string): Decision<IdentityEvent> {
  return refuse('NOT_FOUND', `no citizen with personalId ${personalId}`);
}

function alreadyDeceased(personalId: string): Decision<IdentityEvent> {
  return refuse('ALREADY_DECEASED', `citizen ${personalId} is deceased`);
}

/** Field errors of a name and date of birth (blank name, birth after the local date of `now`). */
function detailErrors(fullName: string | undefined, dateOfBirth: string | undefined, now: string): FieldError[] {
  const errors: FieldError[] = [];
  if (fullName !== undefined && fullName.trim() === '') errors.push({ field: 'fullName', message: 'must not be blank' });
  const today = localDateOf(now);
  if (dateOfBirth !== undefined && today !== null && dateOfBirth > today) {
    errors.push({ field: 'dateOfBirth', message: `must not be after today (${today})` });
  }
  return errors;
}

function register(command: RegisterCitizen, state: CitizenState): Decision<IdentityEvent> {
  if (state.status !== 'NONE') return refuse('ALREADY_EXISTS', `citizen ${command.personalId} is already registered`);
  const errors = detailErrors(command.fullName, command.dateOfBirth, command.now);
  if (errors.length > 0) return refuse('VALIDATION_FAILED', 'invalid citizen details', errors);
  return accept({
    type: 'CitizenRegistered',
    data: {
      personalId: command.personalId,
      fullName: command.fullName,
      dateOfBirth: command.dateOfBirth,
      gender: command.gender,
      permanentAddress: command.permanentAddress,
      registeredAt: command.now,
    },
  });
}

function correct(command: CorrectCitizenDetails, state: CitizenState): Decision<IdentityEvent> {
  if (state.status === 'NONE') return notFound(command.personalId);
  if (state.status === 'DECEASED') return alreadyDeceased(command.personalId);
  const { fullName, dateOfBirth, gender } = command.changes;
  const errors = detailErrors(fullName, dateOfBirth, command.now);
  if (errors.length > 0) return refuse('VALIDATION_FAILED', 'invalid correction', errors);
  const changes: CitizenDetailsChanges = {};
  if (fullName !== undefined && fullName !== state.fullName) changes.fullName = fullName;
  if (dateOfBirth !== undefined && dateOfBirth !== state.dateOfBirth) changes.dateOfBirth = dateOfBirth;
  if (gender !== undefined && gender !== state.gender) changes.gender = gender;
  if (Object.keys(changes).length === 0) return accept();
  return accept({
    type: 'CitizenDetailsCorrected',
    data: { personalId: command.personalId, changes, correctedAt: command.now },
  });
}

function recordDeath(command: RecordDeath, state: CitizenState): Decision<IdentityEvent> {
  if (state.status === 'NONE') return notFound(command.personalId);
  if (state.status === 'DECEASED') return alreadyDeceased(command.personalId);
  if (command.dateOfDeath < state.dateOfBirth) {
    return refuse('VALIDATION_FAILED', 'date of death before date of birth', [
      { field: 'dateOfDeath', message: `must not be before the date of birth (${state.dateOfBirth})` },
    ]);
  }
  const today = localDateOf(command.now);
  if (today !== null && command.dateOfDeath > today) {
    return refuse('VALIDATION_FAILED', 'date of death in the future', [
      { field: 'dateOfDeath', message: `must not be after today (${today})` },
    ]);
  }
  return accept({
    type: 'CitizenDied',
    data: { personalId: command.personalId, dateOfDeath: command.dateOfDeath, recordedAt: command.now },
  });
}

function changeResidence(command: ChangeResidence, state: CitizenState): Decision<IdentityEvent> {
  if (state.status === 'NONE') return notFound(command.personalId);
  if (state.status === 'DECEASED') return alreadyDeceased(command.personalId);
  // The same approval delivered twice: already applied.
  if (state.residenceDossierIds.includes(command.dossierId)) return accept();
  const validUntil = command.kind === 'TEMPORARY' && command.address !== null ? command.validUntil : null;
  return accept({
    type: 'CitizenResidenceChanged',
    data: {
      personalId: command.personalId,
      kind: command.kind,
      address: command.address,
      validUntil,
      dossierId: command.dossierId,
      procedure: command.procedure,
      changedAt: command.now,
    },
  });
}

export function decide(command: CitizenCommand, state: CitizenState): Decision<IdentityEvent> {
  switch (command.type) {
    case 'RegisterCitizen':
      return register(command, state);
    case 'CorrectCitizenDetails':
      return correct(command, state);
    case 'RecordDeath':
      return recordDeath(command, state);
    case 'ChangeResidence':
      return changeResidence(command, state);
    default:
      return assertNever(command, 'citizen command');
  }
}

// ---------------------------------------------------------------------------------------------
// evolve

export function evolve(state: CitizenState, event: IdentityEvent): CitizenState {
  switch (event.type) {
    case 'CitizenRegistered': {
      const d = event.data;
      return {
        status: 'ALIVE',
        personalId: d.personalId,
        fullName: d.fullName,
        dateOfBirth: d.dateOfBirth,
        gender: d.gender,
        permanentAddress: d.permanentAddress,
        temporaryAddress: null,
        temporaryValidUntil: null,
        residenceDossierIds: [],
        registeredAt: d.registeredAt,
      };
    }
    case 'CitizenDetailsCorrected': {
      if (state.status === 'NONE') return state;
      const { fullName, dateOfBirth, gender } = event.data.changes;
      return {
        ...state,
        fullName: fullName ?? state.fullName,
        dateOfBirth: dateOfBirth ?? state.dateOfBirth,
        gender: gender ?? state.gender,
      };
    }
    case 'CitizenDied':
      return state.status === 'NONE' ? state : { ...state, status: 'DECEASED', dateOfDeath: event.data.dateOfDeath };
    case 'CitizenResidenceChanged': {
      if (state.status === 'NONE') return state;
      const d = event.data;
      const residenceDossierIds = [...state.residenceDossierIds, d.dossierId];
      switch (d.kind) {
        case 'PERMANENT':
          return { ...state, permanentAddress: d.address, residenceDossierIds };
        case 'TEMPORARY':
          return {
            ...state,
            temporaryAddress: d.address,
            temporaryValidUntil: d.address === null ? null : d.validUntil,
            residenceDossierIds,
          };
        default:
          return assertNever(d.kind, 'residence kind');
      }
    }
    default:
      return assertNever(event, 'identity event');
  }
}

/** The citizen decider: `decide`, `evolve`, `initialState` (DESIGN.md "Event-sourcing rules"). */
export const citizenDecider: Decider<CitizenCommand, IdentityEvent, CitizenState> = { decide, evolve, initialState };
