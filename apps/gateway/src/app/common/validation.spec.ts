import type { ArgumentMetadata } from '@nestjs/common';
import type { FieldError } from '@d06/contracts';
import { ProblemException } from './problem';
import { gatewayValidationPipe } from './validation';
import { structuralProblem } from './body-guard.middleware';
import { REGISTER_CITIZEN_EXAMPLE, RegisterCitizenDto, VerifyCitizenDto } from '../identity/identity.dto';
import { DECIDE_DOSSIER_EXAMPLE, DecideDossierDto, SUBMIT_DOSSIER_EXAMPLE, SubmitDossierDto } from '../residence/residence.dto';
import { REGISTER_ESTABLISHMENT_EXAMPLE, RegisterEstablishmentDto, SUBMIT_NOTICE_EXAMPLE, SubmitNoticeDto } from '../lodging/lodging.dto';
import { StatsQuery } from './stats-query.dto';

const pipe = gatewayValidationPipe();

/** The field errors the pipe gives for `value` as `metatype`, [] when valid. */
async function errorsOf(metatype: ArgumentMetadata['metatype'], value: unknown): Promise<FieldError[]> {
  try {
    await pipe.transform(value, { type: 'body', metatype });
    return [];
  } catch (err) {
    if (err instanceof ProblemException) return err.problem.errors ?? [{ field: '(none)', message: err.problem.detail }];
    throw err;
  }
}
const fields = async (metatype: ArgumentMetadata['metatype'], value: unknown) => (await errorsOf(metatype, value)).map((e) => e.field);

describe('HTTP shape validation', () => {
  it.each([
    ['RegisterCitizenDto', RegisterCitizenDto, REGISTER_CITIZEN_EXAMPLE],
    ['SubmitDossierDto', SubmitDossierDto, SUBMIT_DOSSIER_EXAMPLE],
    ['DecideDossierDto', DecideDossierDto, DECIDE_DOSSIER_EXAMPLE],
    ['RegisterEstablishmentDto', RegisterEstablishmentDto, REGISTER_ESTABLISHMENT_EXAMPLE],
    ['SubmitNoticeDto', SubmitNoticeDto, SUBMIT_NOTICE_EXAMPLE],
  ])('given the documented example of %s, when validated, then it passes', async (_name, metatype, example) => {
    expect(await errorsOf(metatype, structuredClone(example))).toEqual([]);
  });

  it('given a personalId that disagrees with dateOfBirth and gender, when a citizen is registered, then both disagreements are reported on personalId', async () => {
    const errors = await errorsOf(RegisterCitizenDto, { ...REGISTER_CITIZEN_EXAMPLE, dateOfBirth: '2005-05-17', gender: 'FEMALE' });
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe('personalId');
    expect(errors[0].message).toMatch(/born in 1900-1999/);
    expect(errors[0].message).toMatch(/FEMALE/);
  });

  it('given a province code outside the 63 birth-registration codes, when validated, then personalId is refused', async () => {
    expect(await fields(RegisterCitizenDto, { ...REGISTER_CITIZEN_EXAMPLE, personalId: '003090012345' })).toEqual(['personalId']);
  });

  it('given unknown properties at any level, when validated, then each is named', async () => {
    const value = { ...REGISTER_CITIZEN_EXAMPLE, isAdmin: true, permanentAddress: { ...REGISTER_CITIZEN_EXAMPLE.permanentAddress, floor: 3 } };
    expect((await fields(RegisterCitizenDto, value)).sort()).toEqual(['isAdmin', 'permanentAddress.floor']);
  });

  it('given a ward outside the province, an unknown province and a blank detail, when validated, then each part is named', async () => {
    expect(await fields(RegisterEstablishmentDto, { ...REGISTER_ESTABLISHMENT_EXAMPLE, address: { provinceCode: '79', wardCode: '00004', detail: 'x' } })).toEqual(['address.wardCode']);
    expect((await fields(RegisterEstablishmentDto, { ...REGISTER_ESTABLISHMENT_EXAMPLE, address: { provinceCode: '99', wardCode: '99999', detail: ' ' } })).sort()).toEqual([
      'address.detail',
      'address.provinceCode',
      'address.wardCode',
    ]);
  });

  it.each(['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', 20260101, null])('given dateOfBirth %p, when validated, then it is refused', async (dateOfBirth) => {
    expect(await fields(RegisterCitizenDto, { ...REGISTER_CITIZEN_EXAMPLE, dateOfBirth })).toContain('dateOfBirth');
  });

  it('given a registration without address, when a dossier is submitted, then address is required; a deregistration needs none', async () => {
    expect(await fields(SubmitDossierDto, { procedure: 'PERMANENT_REGISTRATION', applicantId: '001090012345' })).toEqual(['address']);
    expect(await fields(SubmitDossierDto, { procedure: 'PERMANENT_DEREGISTRATION', applicantId: '001090012345' })).toEqual([]);
  });

  it('given a rejection without reason, when decided, then reason is required; an approval needs none', async () => {
    expect(await fields(DecideDossierDto, { outcome: 'REJECTED' })).toEqual(['reason']);
    expect(await fields(DecideDossierDto, { outcome: 'APPROVED' })).toEqual([]);
    expect(await fields(DecideDossierDto, { outcome: 'MAYBE' })).toEqual(['outcome']);
  });

  it.each([
    ['no offset', '2026-03-02T14:30:00'],
    ['no seconds', '2026-03-02T14:30+07:00'],
    ['hour 24', '2026-03-02T24:00:00+07:00'],
    ['offset hour 24', '2026-03-02T14:30:00+24:00'],
    ['not a date', 'yesterday'],
  ])('given arrivalAt with %s, when a notice is submitted, then arrivalAt is refused', async (_what, arrivalAt) => {
    expect(await fields(SubmitNoticeDto, { ...SUBMIT_NOTICE_EXAMPLE, arrivalAt })).toEqual(['arrivalAt']);
  });

  it('given guests that are neither one kind nor the other, when a notice is submitted, then each guest field is named with its index', async () => {
    const guests = [
      { personalId: '001090012345', passportNumber: 'C1234567' },
      { passportNumber: 'C1234567', nationality: 'VNM', fullName: 'A', dateOfBirth: '1990-01-01' },
      { passportNumber: 'C1234567' },
      {},
      { personalId: '001090012345', dateOfBirth: '1991-01-01' },
      'guest',
    ];
    const got = await fields(SubmitNoticeDto, { ...SUBMIT_NOTICE_EXAMPLE, guests });
    expect(got).toEqual(
      expect.arrayContaining([
        'guests[0].personalId',
        'guests[1].nationality',
        'guests[2].nationality',
        'guests[2].fullName',
        'guests[2].dateOfBirth',
        'guests[3].personalId',
        'guests[4].personalId',
        'guests[5]',
      ]),
    );
  });

  it('given 0 or 201 guests, when a notice is submitted, then guests is refused', async () => {
    expect(await fields(SubmitNoticeDto, { ...SUBMIT_NOTICE_EXAMPLE, guests: [] })).toEqual(['guests']);
    const many = Array.from({ length: 201 }, () => ({ personalId: '001090012345' }));
    expect(await fields(SubmitNoticeDto, { ...SUBMIT_NOTICE_EXAMPLE, guests: many })).toEqual(['guests']);
  });

  it('given from after to or an unknown ward, when stats are asked, then the query is refused', async () => {
    const query = async (value: unknown) => (await errorsOf(StatsQuery, value)).map((e) => e.field);
    expect(await query({ wardCode: '00004', from: '2026-03-01', to: '2026-02-01' })).toEqual(['from']);
    expect(await query({ wardCode: '00000', from: '2026-01-01', to: '2026-02-01' })).toEqual(['wardCode']);
    expect(await query({ wardCode: '00004', from: '2026-01-01', to: '2026-01-01' })).toEqual([]);
  });

  it('given verify fields of the wrong type, when validated, then each is named', async () => {
    expect((await fields(VerifyCitizenDto, { personalId: 1, fullName: ['x'], gender: 'M' })).sort()).toEqual(['fullName', 'gender', 'personalId']);
  });

  it('given an array or a primitive where the body object belongs, when validated, then it is a 400 problem, not an exception', async () => {
    await expect(errorsOf(RegisterCitizenDto, [REGISTER_CITIZEN_EXAMPLE])).resolves.not.toEqual([]);
    await expect(errorsOf(RegisterCitizenDto, 'x')).resolves.not.toEqual([]);
  });
});

describe('body structure guard', () => {
  it('given prototype keys at any depth, when checked, then the path is named', () => {
    expect(structuralProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toMatchObject({ field: 'a.__proto__' });
    expect(structuralProblem({ guests: [{ constructor: 1 }] })).toMatchObject({ field: 'guests[0].constructor' });
  });

  it('given nesting deeper than 16, when checked, then it is refused without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(structuralProblem({ a: deep })?.message).toMatch(/deeper than 16/);
    expect(structuralProblem(SUBMIT_NOTICE_EXAMPLE)).toBeUndefined();
  });
});
