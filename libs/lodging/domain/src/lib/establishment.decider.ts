import {
  type Address,
  type Decider,
  type Decision,
  type EstablishmentDetailsChanges,
  type EstablishmentEvent,
  type EstablishmentKind,
  accept,
  assertNever,
  refuse,
} from '@d06/contracts';

/**
 * What can happen to an accommodation establishment (stream id = establishmentId, a uuid):
 * it is registered, then its name, kind or address may change.
 */

/** Register an establishment (`POST /lodging/establishments`). */
export interface RegisterEstablishment {
  type: 'RegisterEstablishment';
  /** Pre-generated uuid. */
  establishmentId: string;
  name: string;
  kind: EstablishmentKind;
  address: Address;
  now: string;
}

/** Change name, kind or address; fields left out are not changed. */
export interface ChangeEstablishmentDetails {
  type: 'ChangeEstablishmentDetails';
  establishmentId: string;
  changes: EstablishmentDetailsChanges;
  now: string;
}

export type EstablishmentCommand = RegisterEstablishment | ChangeEstablishmentDetails;

export interface NoEstablishment {
  status: 'NONE';
}

export interface RegisteredEstablishment {
  status: 'REGISTERED';
  establishmentId: string;
  name: string;
  kind: EstablishmentKind;
  address: Address;
  registeredAt: string;
}

export type EstablishmentState = NoEstablishment | RegisteredEstablishment;

export const initialState: EstablishmentState = { status: 'NONE' };

function sameAddress(a: Address, b: Address): boolean {
  return a.provinceCode === b.provinceCode && a.wardCode === b.wardCode && a.detail === b.detail;
}

function blankName(): Decision<EstablishmentEvent> {
  return refuse('VALIDATION_FAILED', 'the name must not be blank', [{ field: 'name', message: 'must not be blank' }]);
}

function register(command: RegisterEstablishment, state: EstablishmentState): Decision<EstablishmentEvent> {
  if (state.status !== 'NONE') return refuse('ALREADY_EXISTS', `establishment ${command.establishmentId} already exists`);
  if (command.name.trim() === '') return blankName();
  return accept({
    type: 'EstablishmentRegistered',
    data: {
      establishmentId: command.establishmentId,
      name: command.name,
      kind: command.kind,
      address: command.address,
      registeredAt: command.now,
    },
  });
}

function change(command: ChangeEstablishmentDetails, state: EstablishmentState): Decision<EstablishmentEvent> {
  if (state.status === 'NONE') return refuse('NOT_FOUND', `no establishment ${command.establishmentId}`);
  const { name, kind, address } = command.changes;
  if (name !== undefined && name.trim() === '') return blankName();
  const changes: EstablishmentDetailsChanges = {};
  if (name !== undefined && name !== state.name) changes.name = name;
  if (kind !== undefined && kind !== state.kind) changes.kind = kind;
  if (address !== undefined && !sameAddress(address, state.address)) changes.address = address;
  if (Object.keys(changes).length === 0) return accept();
  return accept({
    type: 'EstablishmentDetailsChanged',
    data: { establishmentId: command.establishmentId, changes, changedAt: command.now },
  });
}

export function decide(command: EstablishmentCommand, state: EstablishmentState): Decision<EstablishmentEvent> {
  switch (command.type) {
    case 'RegisterEstablishment':
      return register(command, state);
    case 'ChangeEstablishmentDetails':
      return change(command, state);
    default:
      return assertNever(command, 'establishment command');
  }
}

export function evolve(state: EstablishmentState, event: EstablishmentEvent): EstablishmentState {
  switch (event.type) {
    case 'EstablishmentRegistered': {
      const d = event.data;
      return { status: 'REGISTERED', establishmentId: d.establishmentId, name: d.name, kind: d.kind, address: d.address, registeredAt: d.registeredAt };
    }
    case 'EstablishmentDetailsChanged': {
      if (state.status === 'NONE') return state;
      const { name, kind, address } = event.data.changes;
      return { ...state, name: name ?? state.name, kind: kind ?? state.kind, address: address ?? state.address };
    }
    default:
      return assertNever(event, 'establishment event');
  }
}

/** The establishment decider: `decide`, `evolve`, `initialState`. */
export const establishmentDecider: Decider<EstablishmentCommand, EstablishmentEvent, EstablishmentState> = {
  decide,
  evolve,
  initialState,
};
