import type { DossierRecord } from '@d06/residence-read-model';
import { dossierViewOf } from './dossier-view';

const record: DossierRecord = {
  dossierId: '6f1c2a4e-8d3b-4c5f-9a7e-1b2c3d4e5f60',
  procedure: 'ABSENCE_DECLARATION',
  applicantId: '066090012345',
  status: 'RECEIVED',
  address: null,
  startDate: null,
  endDate: null,
  reason: null,
  wardCode: '24133',
  receivedAt: '2026-02-13T16:30:00.000+07:00',
  dueDate: '2026-02-23',
  decidedAt: null,
  decidedBy: null,
  late: null,
  rejectionReason: null,
  residenceEffect: null,
  history: [{ status: 'RECEIVED', at: '2026-02-13T16:30:00.000+07:00', by: 'portal' }],
  version: 1,
};

describe('dossier view', () => {
  it('given an undecided dossier, when asked on its due date, then it is not late', () => {
    const view = dossierViewOf(record, new Date('2026-02-23T23:59:59+07:00'));
    expect(view.late).toBe(false);
    expect(view).not.toHaveProperty('decidedAt');
  });

  it('given an undecided dossier, when asked after the end of its due date, then it is late', () => {
    expect(dossierViewOf(record, new Date('2026-02-24T00:00:00+07:00')).late).toBe(true);
  });

  it('given a dossier decided on time, when asked much later, then it stays on time', () => {
    const decided: DossierRecord = { ...record, status: 'APPROVED', decidedAt: '2026-02-20T10:00:00.000+07:00', decidedBy: 'officer', late: false };
    const view = dossierViewOf(decided, new Date('2027-01-01T00:00:00Z'));
    expect(view).toMatchObject({ status: 'APPROVED', late: false, decidedAt: '2026-02-20T10:00:00.000+07:00', decidedBy: 'officer' });
  });
});
