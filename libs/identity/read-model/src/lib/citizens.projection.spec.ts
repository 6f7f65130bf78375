import { registeredCitizenRow } from './citizens.projection';
import { accessLogRow } from './citizen-access-log.projection';

describe('read-model rows', () => {
  it('given a registration, then the row keeps the name as written and its normalised form, the version and the event time', () => {
    const row = registeredCitizenRow(
      {
        personalId: '001090012345',
        fullName: '  Nguyễn   Văn AN ',
        dateOfBirth: '1990-05-17',
        gender: 'MALE',
        permanentAddress: null,
        registeredAt: '2026-11-27T03:00:00.000Z',
      },
      { version: 1, updatedAt: '2026-11-27T03:00:00.000Z' },
    );
    expect(row).toEqual({
      personal_id: '001090012345',
      full_name: '  Nguyễn   Văn AN ',
      full_name_normalized: 'nguyễn văn an',
      date_of_birth: '1990-05-17',
      gender: 'MALE',
      permanent_address: null,
      version: 1,
      updated_at: '2026-11-27T03:00:00.000Z',
    });
  });

  it('given an access record, then its row is keyed on the event id', () => {
    const row = accessLogRow('0b8f6a52-3c1e-4a7d-9f00-1234567890ab', {
      personalId: '001090012345',
      clientId: 'officer',
      purpose: null,
      fields: ['fullName'],
      channel: 'IDENTITY_LOOKUP',
      correlationId: 'c-1',
      accessedAt: '2026-11-27T03:00:00.000Z',
    });
    expect(row).toEqual({
      id: '0b8f6a52-3c1e-4a7d-9f00-1234567890ab',
      personal_id: '001090012345',
      accessed_at: '2026-11-27T03:00:00.000Z',
      client_id: 'officer',
      purpose: null,
      fields: ['fullName'],
      channel: 'IDENTITY_LOOKUP',
      correlation_id: 'c-1',
    });
  });
});
