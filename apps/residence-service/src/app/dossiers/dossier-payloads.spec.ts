import { parseDecideDossier } from './decide-dossier.payload';
import { parseSubmitDossier } from './submit-dossier.payload';

const ADDRESS = { provinceCode: '66', wardCode: '24133', detail: '12 Lê Duẩn' };
const fields = (r: { ok: boolean; errors?: { field: string }[] }) => (r.ok ? [] : (r.errors ?? []).map((e) => e.field));

describe('SubmitDossier payload', () => {
  it('given a valid temporary registration, then it is parsed with nulls for what is absent', () => {
    const r = parseSubmitDossier({ procedure: 'TEMPORARY_REGISTRATION', applicantId: '066090012345', address: ADDRESS, endDate: '2027-01-01' });
    expect(r).toEqual({
      ok: true,
      value: { procedure: 'TEMPORARY_REGISTRATION', applicantId: '066090012345', address: ADDRESS, startDate: null, endDate: '2027-01-01', reason: null },
    });
  });

  it('given a registration without address, then address is required', () => {
    expect(fields(parseSubmitDossier({ procedure: 'PERMANENT_REGISTRATION', applicantId: '066090012345' }))).toEqual(['address']);
  });

  it('given a deregistration without address, then it is accepted', () => {
    expect(parseSubmitDossier({ procedure: 'PERMANENT_DEREGISTRATION', applicantId: '066090012345', address: null }).ok).toBe(true);
  });

  it('given a ward outside the province, then the address is refused', () => {
    const r = parseSubmitDossier({ procedure: 'PERMANENT_REGISTRATION', applicantId: '066090012345', address: { ...ADDRESS, provinceCode: '01' } });
    expect(fields(r)).toEqual([expect.stringMatching(/^address/)]);
  });

  it('given every field wrong, then every field is reported', () => {
    const r = parseSubmitDossier({ procedure: 'MOVE', applicantId: '999090012345', address: 'here', startDate: '2026-02-30', endDate: 7, reason: ' ' });
    expect(fields(r).sort()).toEqual(['address', 'applicantId', 'endDate', 'procedure', 'reason', 'startDate']);
  });

  it('given something that is not an object, then it is refused', () => {
    expect(parseSubmitDossier(null).ok).toBe(false);
    expect(parseSubmitDossier([1]).ok).toBe(false);
  });
});

describe('DecideDossier payload', () => {
  const id = '6F1C2A4E-8D3B-4C5F-9A7E-1B2C3D4E5F60';

  it('given an approval, then the dossier id is lower-cased and the reason optional', () => {
    expect(parseDecideDossier({ dossierId: id, outcome: 'APPROVED' })).toEqual({
      ok: true,
      value: { dossierId: id.toLowerCase(), outcome: 'APPROVED', reason: null },
    });
  });

  it('given a rejection without reason, then reason is required', () => {
    expect(fields(parseDecideDossier({ dossierId: id, outcome: 'REJECTED' }))).toEqual(['reason']);
    expect(fields(parseDecideDossier({ dossierId: id, outcome: 'REJECTED', reason: '   ' }))).toEqual(['reason']);
  });

  it('given a bad id and outcome, then both are reported', () => {
    expect(fields(parseDecideDossier({ dossierId: 'x', outcome: 'MAYBE' }))).toEqual(['dossierId', 'outcome']);
  });
});
