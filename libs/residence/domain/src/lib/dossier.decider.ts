import {
  type Address,
  type Decider,
  type Decision,
  type DossierReceivedData,
  type ResidenceEffect,
  type ResidenceEvent,
  type ResidenceProcedure,
  accept,
  assertNever,
  refuse,
} from '@d06/contracts';
import {
  EXTENSION_WINDOW_DAYS,
  TEMPORARY_TERM_MAX_YEARS,
  addDays,
  addYears,
  isLate,
  residenceEffectOf,
  wardOfDossier,
} from './dossier.rules';

/**
 * What can happen to a residence dossier (stream id = dossierId): it is received, then approved
 * or rejected, once. Formats are checked by the residence service before `decide`; the service
 * also loads the applicant from its own citizen projection and computes `dueDate` from the
 * working-day calendar, and passes both in the command.
 */

// ---------------------------------------------------------------------------------------------
// Commands

/** The applicant as the residence service's citizen projection knows them; null = unknown personalId. */
export interface ApplicantSnapshot {
  status: 'ALIVE' | 'DECEASED';
  permanentAddress: Address | null;
  temporaryAddress: Address | null;
  /** End of the current temporary residence's term. */
  temporaryValidUntil: string | null;
}

/** File a dossier (`POST /residence/dossiers`). */
export interface SubmitDossier {
  type: 'SubmitDossier';
  /** Pre-generated uuid. */
  dossierId: string;
  procedure: ResidenceProcedure;
  applicantId: string;
  address: Address | null;
  startDate: string | null;
  endDate: string | null;
  reason: string | null;
  applicant: ApplicantSnapshot | null;
  /** Last working day of the statutory limit, precomputed by the service. */
  dueDate: string;
  /** The local date (Asia/Ho_Chi_Minh) of `now`. */
  today: string;
  now: string;
}

/** Approve or reject a dossier (`POST /residence/dossiers/{dossierId}/decision`). */
export interface DecideDossier {
  type: 'DecideDossier';
  dossierId: string;
  outcome: 'APPROVED' | 'REJECTED';
  /** Required (non-blank) for REJECTED; ignored for APPROVED. */
  reason?: string | null;
  now: string;
  /** Who decides: the officer's subject, else the client id. */
  decidedBy: string;
}

export type DossierCommand = SubmitDossier | DecideDossier;

// ---------------------------------------------------------------------------------------------
// State

/** What was received: the `DossierReceived` data. */
export type DossierRecord = DossierReceivedData;

export interface NoDossier {
  status: 'NONE';
}

export interface ReceivedDossier extends DossierRecord {
  status: 'RECEIVED';
}

export interface ApprovedDossier extends DossierRecord {
  status: 'APPROVED';
  decidedAt: string;
  decidedBy: string | null;
  late: boolean;
  residenceEffect: ResidenceEffect | null;
}

export interface RejectedDossier extends DossierRecord {
  status: 'REJECTED';
  decidedAt: string;
  decidedBy: string | null;
  late: boolean;
  rejectionReason: string;
}

export type DossierState = NoDossier | ReceivedDossier | ApprovedDossier | RejectedDossier;

export const initialState: DossierState = { status: 'NONE' };

// ---------------------------------------------------------------------------------------------
// decide

function termInvalid(message: string): Decision<ResidenceEvent> {
  return refuse('TEMPORARY_TERM_INVALID', message, [{ field: 'endDate', message }]);
}

/** endDate required, after `from`, and at most 2 years after `from`. */
function checkTerm(from: string, endDate: string | null, what: string): Decision<ResidenceEvent> | null {
  if (endDate === null) return termInvalid(`endDate is required for ${what}`);
  if (endDate <= from) return termInvalid(`endDate must be after ${from}`);
  const limit = addYears(from, TEMPORARY_TERM_MAX_YEARS);
  if (endDate > limit) return termInvalid(`endDate must be at most ${TEMPORARY_TERM_MAX_YEARS} years after ${from} (${limit})`);
  return null;
}

function addressRequired(procedure: ResidenceProcedure): Decision<ResidenceEvent> {
  return refuse('VALIDATION_FAILED', `${procedure} needs an address`, [{ field: 'address', message: 'required for a registration' }]);
}

function submit(command: SubmitDossier, state: DossierState): Decision<ResidenceEvent> {
  if (state.status !== 'NONE') return refuse('ALREADY_EXISTS', `dossier ${command.dossierId} already exists`);
  const { applicant, procedure, today } = command;
  if (applicant === null) return refuse('APPLICANT_NOT_FOUND', `no citizen with personalId ${command.applicantId}`);
  if (applicant.status === 'DECEASED') return refuse('APPLICANT_DECEASED', `citizen ${command.applicantId} is deceased`);

  let address = command.address;
  let startDate = command.startDate;
  switch (procedure) {
    case 'PERMANENT_REGISTRATION':
      if (address === null) return addressRequired(procedure);
      break;
    case 'TEMPORARY_REGISTRATION': {
      if (address === null) return addressRequired(procedure);
      startDate = startDate ?? today;
      const refusal = checkTerm(startDate, command.endDate, 'a temporary registration');
      if (refusal) return refusal;
      break;
    }
    case 'TEMPORARY_EXTENSION': {
      const validUntil = applicant.temporaryValidUntil;
      if (applicant.temporaryAddress === null || validUntil === null || validUntil < today) {
        return refuse('NO_TEMPORARY_RESIDENCE', `citizen ${command.applicantId} has no current temporary residence to extend`);
      }
      const opens = addDays(validUntil, -EXTENSION_WINDOW_DAYS);
      if (today < opens) {
        return refuse('EXTENSION_WINDOW_CLOSED', `an extension is filed from ${opens} to ${validUntil}, the ${EXTENSION_WINDOW_DAYS} days before expiry`);
      }
      const refusal = checkTerm(validUntil, command.endDate, 'an extension');
      if (refusal) return refusal;
      address = address ?? applicant.temporaryAddress;
      break;
    }
    case 'PERMANENT_DEREGISTRATION':
      if (applicant.permanentAddress === null) {
        return refuse('NO_RESIDENCE_TO_DEREGISTER', `citizen ${command.applicantId} has no permanent residence`);
      }
      break;
    case 'TEMPORARY_DEREGISTRATION':
      if (applicant.temporaryAddress === null) {
        return refuse('NO_RESIDENCE_TO_DEREGISTER', `citizen ${command.applicantId} has no temporary residence`);
      }
      break;
    case 'ABSENCE_DECLARATION':
      break;
    default:
      return assertNever(procedure, 'procedure');
  }

  return accept({
    type: 'DossierReceived',
    data: {
      dossierId: command.dossierId,
      procedure,
      applicantId: command.applicantId,
      address,
      startDate,
      endDate: command.endDate,
      reason: command.reason !== null && command.reason.trim() !== '' ? command.reason : null,
      wardCode: wardOfDossier(address, applicant.permanentAddress),
      receivedAt: command.now,
      dueDate: command.dueDate,
    },
  });
}

function decideOn(command: DecideDossier, state: DossierState): Decision<ResidenceEvent> {
  if (state.status === 'NONE') return refuse('NOT_FOUND', `no dossier ${command.dossierId}`);
  if (state.status === 'APPROVED' || state.status === 'REJECTED') {
    return refuse('ALREADY_DECIDED', `dossier ${command.dossierId} is already ${state.status}`);
  }
  const common = {
    dossierId: state.dossierId,
    procedure: state.procedure,
    applicantId: state.applicantId,
    decidedAt: command.now,
    late: isLate(state.dueDate, command.now),
  };
  switch (command.outcome) {
    case 'APPROVED':
      return accept({
        type: 'DossierApproved',
        data: { ...common, residenceEffect: residenceEffectOf(state.procedure, state.address, state.endDate), decidedBy: command.decidedBy },
      });
    case 'REJECTED': {
      const reason = command.reason?.trim() ?? '';
      if (reason === '') {
        return refuse('VALIDATION_FAILED', 'a rejection needs a reason', [{ field: 'reason', message: 'required when the outcome is REJECTED' }]);
      }
      return accept({ type: 'DossierRejected', data: { ...common, reason, decidedBy: command.decidedBy } });
    }
    default:
      return assertNever(command.outcome, 'outcome');
  }
}

export function decide(command: DossierCommand, state: DossierState): Decision<ResidenceEvent> {
  switch (command.type) {
    case 'SubmitDossier':
      return submit(command, state);
    case 'DecideDossier':
      return decideOn(command, state);
    default:
      return assertNever(command, 'dossier command');
  }
}

// ---------------------------------------------------------------------------------------------
// evolve

export function evolve(state: DossierState, event: ResidenceEvent): DossierState {
  switch (event.type) {
    case 'DossierReceived': {
      const d = event.data;
      return {
        status: 'RECEIVED',
        dossierId: d.dossierId,
        procedure: d.procedure,
        applicantId: d.applicantId,
        address: d.address,
        startDate: d.startDate,
        endDate: d.endDate,
        reason: d.reason,
        wardCode: d.wardCode,
        receivedAt: d.receivedAt,
        dueDate: d.dueDate,
      };
    }
    case 'DossierApproved':
      if (state.status !== 'RECEIVED') return state;
      return {
        ...state,
        status: 'APPROVED',
        decidedAt: event.data.decidedAt,
        decidedBy: event.data.decidedBy ?? null,
        late: event.data.late,
        residenceEffect: event.data.residenceEffect,
      };
    case 'DossierRejected':
      if (state.status !== 'RECEIVED') return state;
      return {
        ...state,
        status: 'REJECTED',
        decidedAt: event.data.decidedAt,
        decidedBy: event.data.decidedBy ?? null,
        late: event.data.late,
        rejectionReason: event.data.reason,
      };
    default:
      return assertNever(event, 'residence event');
  }
}

/** The dossier decider: `decide`, `evolve`, `initialState` (DESIGN.md "Event-sourcing rules"). */
export const dossierDecider: Decider<DossierCommand, ResidenceEvent, DossierState> = { decide, evolve, initialState };
