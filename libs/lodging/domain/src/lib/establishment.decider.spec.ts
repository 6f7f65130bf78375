import { type Address, type EstablishmentRegistered, accept, parseLodgingEvent } from '@d06/contracts';
import { givenWhenThen } from '@d06/testing';
import { type ChangeEstablishmentDetails, type RegisterEstablishment, establishmentDecider } from './establishment.decider';

const ID = '3d6f0a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const NOW = '2026-11-27T10:00:00+07:00';
const ADDRESS: Address = { provinceCode: '66', wardCode: '24133', detail: '3 Phan Bội Châu' };

const register: RegisterEstablishment = {
  type: 'RegisterEstablishment',
  establishmentId: ID,
  name: 'Khách sạn Hoa Sen',
  kind: 'HOTEL',
  address: ADDRESS,
  now: NOW,
};

const registered: EstablishmentRegistered = {
  type: 'EstablishmentRegistered',
  data: { establishmentId: ID, name: 'Khách sạn Hoa Sen', kind: 'HOTEL', address: ADDRESS, registeredAt: NOW },
};

const change = (changes: ChangeEstablishmentDetails['changes']): ChangeEstablishmentDetails => ({
  type: 'ChangeEstablishmentDetails',
  establishmentId: ID,
  changes,
  now: '2026-11-28T10:00:00+07:00',
});

const decider = givenWhenThen(establishmentDecider);

describe('establishment decider', () => {
  it('registers an establishment', () => {
    const result = decider.given().when(register);
    expect(result).toEqual(accept(registered));
    expect(parseLodgingEvent(registered.type, registered.data)).toEqual({ ok: true, event: registered });
  });

  it('refuses an existing establishment id', () => {
    expect(decider.given(registered).when(register)).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
  });

  it('refuses a blank name', () => {
    expect(decider.given().when({ ...register, name: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', errors: [{ field: 'name' }] },
    });
  });

  it('records only what changes', () => {
    const moved = { ...ADDRESS, detail: '5 Phan Bội Châu' };
    const result = decider.given(registered).when(change({ name: 'Khách sạn Hoa Sen', kind: 'HOMESTAY', address: moved }));
    expect(result).toEqual(
      accept({
        type: 'EstablishmentDetailsChanged',
        data: { establishmentId: ID, changes: { kind: 'HOMESTAY', address: moved }, changedAt: '2026-11-28T10:00:00+07:00' },
      }),
    );
    if (result.ok) {
      const [event] = result.events;
      expect(parseLodgingEvent(event.type, event.data)).toEqual({ ok: true, event });
      expect(decider.given(registered, event).state).toMatchObject({ status: 'REGISTERED', name: 'Khách sạn Hoa Sen', kind: 'HOMESTAY', address: moved });
    }
  });

  it('accepts a change that changes nothing with no events', () => {
    expect(decider.given(registered).when(change({ name: 'Khách sạn Hoa Sen', address: { ...ADDRESS } }))).toEqual(accept());
    expect(decider.given(registered).when(change({}))).toEqual(accept());
  });

  it('refuses to change an unknown establishment', () => {
    expect(decider.given().when(change({ name: 'X' }))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses to blank the name', () => {
    expect(decider.given(registered).when(change({ name: '' }))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
