import type { CitizenView } from '@d06/contracts';
import { selectSharedFields } from './shared-fields';

const view: CitizenView = {
  personalId: '001090012345',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-05-17',
  gender: 'MALE',
  status: 'ALIVE',
  permanentAddress: null,
  temporaryAddress: null,
  version: 1,
  updatedAt: '2026-11-27T03:00:00.000Z',
};

describe('shared fields', () => {
  it('given a policy, then only its fields are returned, in its order, null values included', () => {
    const s = selectSharedFields(view, ['fullName', 'personalId', 'permanentAddress']);
    expect(s.body).toEqual({ fullName: 'Nguyễn Văn An', personalId: '001090012345', permanentAddress: null });
    expect(Object.keys(s.body)).toEqual(['fullName', 'personalId', 'permanentAddress']);
    expect(s.fields).toEqual(['fullName', 'personalId', 'permanentAddress']);
    expect(s.unknown).toEqual([]);
  });

  it('given names that are no citizen field or repeated, then they are reported once and not returned', () => {
    const s = selectSharedFields(view, ['fullName', 'phone', 'fullName', 'phone', 'toString']);
    expect(s.body).toEqual({ fullName: 'Nguyễn Văn An' });
    expect(s.fields).toEqual(['fullName']);
    expect(s.unknown).toEqual(['phone', 'toString']);
  });

  it('given an empty policy, then nothing is returned', () => {
    expect(selectSharedFields(view, [])).toEqual({ body: {}, fields: [], unknown: [] });
  });
});
