import { type Address, type CitizenRegistered, type IdentityEvent, accept, parseIdentityEvent } from '@d06/contracts';
import { givenWhenThen } from '@d06/testing';
import {
  type ChangeResidence,
  type CorrectCitizenDetails,
  type RecordDeath,
  type RegisterCitizen,
  citizenDecider,
} from './citizen.decider';

const PID = '001090012345';
const NOW = '2026-11-27T10:00:00+07:00';
const HOME: Address = { provinceCode: '66', wardCode: '24133', detail: '12 Lê Duẩn' };
const LODGING: Address = { provinceCode: '79', wardCode: '26734', detail: '5 Nguyễn Huệ' };
const DOSSIER = '6f1c2a4e-8d3b-4c5f-9a7e-1b2c3d4e5f60';

const register: RegisterCitizen = {
  type: 'RegisterCitizen',
  personalId: PID,
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-05-12',
  gender: 'MALE',
  permanentAddress: HOME,
  now: NOW,
};

const registered: CitizenRegistered = {
  type: 'CitizenRegistered',
  data: {
    personalId: PID,
    fullName: 'Nguyễn Văn An',
    dateOfBirth: '1990-05-12',
    gender: 'MALE',
    permanentAddress: HOME,
    registeredAt: NOW,
  },
};

const died: IdentityEvent = {
  type: 'CitizenDied',
  data: { personalId: PID, dateOfDeath: '2026-11-01', recordedAt: '2026-11-02T09:00:00+07:00' },
};

const correction = (changes: CorrectCitizenDetails['changes']): CorrectCitizenDetails => ({
  type: 'CorrectCitizenDetails',
  personalId: PID,
  changes,
  now: NOW,
});

const death = (dateOfDeath: string, now = NOW): RecordDeath => ({ type: 'RecordDeath', personalId: PID, dateOfDeath, now });

const residence = (over: Partial<ChangeResidence> = {}): ChangeResidence => ({
  type: 'ChangeResidence',
  personalId: PID,
  kind: 'TEMPORARY',
  address: LODGING,
  validUntil: '2027-11-26',
  dossierId: DOSSIER,
  procedure: 'TEMPORARY_REGISTRATION',
  now: NOW,
  ...over,
});

const decider = givenWhenThen(citizenDecider);

/** Every event the decider emits must pass the public payload validator. */
function expectValidEvents(events: IdentityEvent[]): void {
  for (const e of events) expect(parseIdentityEvent(e.type, e.data)).toEqual({ ok: true, event: e });
}

describe('citizen decider', () => {
  describe('RegisterCitizen', () => {
    it('registers a new citizen', () => {
      const result = decider.given().when(register);
      expect(result).toEqual(accept(registered));
      if (result.ok) expectValidEvents(result.events);
    });

    it('registers without a permanent address', () => {
      expect(decider.given().when({ ...register, permanentAddress: null })).toEqual(
        accept({ ...registered, data: { ...registered.data, permanentAddress: null } }),
      );
    });

    it('refuses a personalId that is already registered', () => {
      expect(decider.given(registered).when(register)).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    });

    it('refuses a deceased personalId too (numbers are never reused)', () => {
      expect(decider.given(registered, died).when(register)).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    });

    it('refuses a blank name and a birth after today (local date)', () => {
      expect(decider.given().when({ ...register, fullName: '  ', dateOfBirth: '2026-11-28' })).toEqual({
        ok: false,
        error: {
          code: 'VALIDATION_FAILED',
          message: expect.any(String),
          errors: [
            { field: 'fullName', message: expect.any(String) },
            { field: 'dateOfBirth', message: expect.any(String) },
          ],
        },
      });
    });

    it('takes today as the local date: 2026-11-27T17:30Z is already 28 November in Vietnam', () => {
      const result = decider.given().when({ ...register, dateOfBirth: '2026-11-28', now: '2026-11-27T17:30:00Z' });
      expect(result.ok).toBe(true);
    });
  });

  describe('CorrectCitizenDetails', () => {
    it('records only the fields that change', () => {
      const result = decider.given(registered).when(correction({ fullName: 'Nguyễn Văn Ân', dateOfBirth: '1990-05-12', gender: 'MALE' }));
      expect(result).toEqual(
        accept({ type: 'CitizenDetailsCorrected', data: { personalId: PID, changes: { fullName: 'Nguyễn Văn Ân' }, correctedAt: NOW } }),
      );
      if (result.ok) expectValidEvents(result.events);
    });

    it('corrects several fields, and the state follows', () => {
      const given = decider.given(registered, {
        type: 'CitizenDetailsCorrected',
        data: { personalId: PID, changes: { dateOfBirth: '1990-06-01', gender: 'FEMALE' }, correctedAt: NOW },
      });
      expect(given.state).toMatchObject({ status: 'ALIVE', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-06-01', gender: 'FEMALE' });
    });

    it('accepts a correction that changes nothing with no events', () => {
      expect(decider.given(registered).when(correction({ fullName: 'Nguyễn Văn An' }))).toEqual(accept());
      expect(decider.given(registered).when(correction({}))).toEqual(accept());
    });

    it('refuses an unknown citizen', () => {
      expect(decider.given().when(correction({ fullName: 'X' }))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('refuses a deceased citizen', () => {
      expect(decider.given(registered, died).when(correction({ fullName: 'X' }))).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_DECEASED' },
      });
    });

    it('refuses a blank name', () => {
      expect(decider.given(registered).when(correction({ fullName: ' ' }))).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', errors: [{ field: 'fullName' }] },
      });
    });
  });

  describe('RecordDeath', () => {
    it('records the death', () => {
      const result = decider.given(registered).when(death('2026-11-27'));
      expect(result).toEqual(accept({ type: 'CitizenDied', data: { personalId: PID, dateOfDeath: '2026-11-27', recordedAt: NOW } }));
      if (result.ok) expectValidEvents(result.events);
    });

    it('accepts a death on the day of birth', () => {
      expect(decider.given(registered).when(death('1990-05-12')).ok).toBe(true);
    });

    it('makes the citizen DECEASED', () => {
      expect(decider.given(registered, died).state).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-11-01' });
    });

    it('refuses an unknown citizen', () => {
      expect(decider.given().when(death('2026-11-01'))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('refuses a second death', () => {
      expect(decider.given(registered, died).when(death('2026-11-01'))).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_DECEASED' },
      });
    });

    it('refuses a death before the birth', () => {
      expect(decider.given(registered).when(death('1990-05-11'))).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', errors: [{ field: 'dateOfDeath' }] },
      });
    });

    it("refuses a death after now's local date", () => {
      expect(decider.given(registered).when(death('2026-11-28'))).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', errors: [{ field: 'dateOfDeath' }] },
      });
      // 23:30 UTC on the 27th is 06:30 on the 28th in Vietnam.
      expect(decider.given(registered).when(death('2026-11-28', '2026-11-27T23:30:00Z')).ok).toBe(true);
    });
  });

  describe('ChangeResidence', () => {
    it('sets the temporary address with its term', () => {
      const result = decider.given(registered).when(residence());
      expect(result).toEqual(
        accept({
          type: 'CitizenResidenceChanged',
          data: {
            personalId: PID,
            kind: 'TEMPORARY',
            address: LODGING,
            validUntil: '2027-11-26',
            dossierId: DOSSIER,
            procedure: 'TEMPORARY_REGISTRATION',
            changedAt: NOW,
          },
        }),
      );
      if (result.ok) {
        expectValidEvents(result.events);
        const state = result.events.reduce(citizenDecider.evolve, decider.given(registered).state);
        expect(state).toMatchObject({ permanentAddress: HOME, temporaryAddress: LODGING, temporaryValidUntil: '2027-11-26' });
      }
    });

    it('sets the permanent address, never with a term', () => {
      const result = decider.given(registered).when(
        residence({ kind: 'PERMANENT', address: LODGING, validUntil: '2030-01-01', procedure: 'PERMANENT_REGISTRATION' }),
      );
      expect(result).toMatchObject({ ok: true, events: [{ data: { kind: 'PERMANENT', address: LODGING, validUntil: null } }] });
    });

    it('clears an address (deregistration)', () => {
      const withTemp = decider.given(registered, {
        type: 'CitizenResidenceChanged',
        data: {
          personalId: PID,
          kind: 'TEMPORARY',
          address: LODGING,
          validUntil: '2027-11-26',
          dossierId: DOSSIER,
          procedure: 'TEMPORARY_REGISTRATION',
          changedAt: NOW,
        },
      });
      const deregister = residence({
        address: null,
        validUntil: null,
        dossierId: '7a1c2a4e-8d3b-4c5f-9a7e-1b2c3d4e5f61',
        procedure: 'TEMPORARY_DEREGISTRATION',
      });
      const result = withTemp.when(deregister);
      expect(result).toMatchObject({ ok: true, events: [{ data: { kind: 'TEMPORARY', address: null, validUntil: null } }] });
      if (result.ok) {
        const state = result.events.reduce(citizenDecider.evolve, withTemp.state);
        expect(state).toMatchObject({ temporaryAddress: null, temporaryValidUntil: null, permanentAddress: HOME });
      }
    });

    it('applies the same dossier only once (a redelivered approval changes nothing)', () => {
      const first = decider.given(registered).when(residence());
      if (!first.ok) throw new Error('expected acceptance');
      expect(decider.given(registered, ...first.events).when(residence())).toEqual(accept());
    });

    it('refuses an unknown citizen', () => {
      expect(decider.given().when(residence())).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('refuses a deceased citizen', () => {
      expect(decider.given(registered, died).when(residence())).toMatchObject({ ok: false, error: { code: 'ALREADY_DECEASED' } });
    });
  });
});
