import { type Address, type DossierReceived, type ResidenceEvent, type ResidenceProcedure, accept, parseResidenceEvent } from '@d06/contracts';
import { givenWhenThen } from '@d06/testing';
import { type ApplicantSnapshot, type DecideDossier, type SubmitDossier, dossierDecider } from './dossier.decider';

const DOSSIER = '6f1c2a4e-8d3b-4c5f-9a7e-1b2c3d4e5f60';
const PID = '066090012345';
const TODAY = '2026-11-27';
const NOW = '2026-11-27T10:00:00+07:00';
const DUE = '2026-12-08';
const HOME: Address = { provinceCode: '66', wardCode: '24133', detail: '12 Lê Duẩn' };
const ROOM: Address = { provinceCode: '79', wardCode: '26734', detail: '5 Nguyễn Huệ' };
const OTHER: Address = { provinceCode: '01', wardCode: '00004', detail: '1 Tràng Tiền' };

const alive: ApplicantSnapshot = { status: 'ALIVE', permanentAddress: HOME, temporaryAddress: null, temporaryValidUntil: null };
/** Living at ROOM until 2026-12-10: the extension window is 2026-11-25 .. 2026-12-10. */
const lodger: ApplicantSnapshot = { ...alive, temporaryAddress: ROOM, temporaryValidUntil: '2026-12-10' };

const submit = (procedure: ResidenceProcedure, over: Partial<SubmitDossier> = {}): SubmitDossier => ({
  type: 'SubmitDossier',
  dossierId: DOSSIER,
  procedure,
  applicantId: PID,
  address: null,
  startDate: null,
  endDate: null,
  reason: null,
  applicant: alive,
  dueDate: DUE,
  today: TODAY,
  now: NOW,
  ...over,
});

const received = (procedure: ResidenceProcedure, over: Partial<DossierReceived['data']> = {}): DossierReceived => ({
  type: 'DossierReceived',
  data: {
    dossierId: DOSSIER,
    procedure,
    applicantId: PID,
    address: null,
    startDate: null,
    endDate: null,
    reason: null,
    wardCode: HOME.wardCode,
    receivedAt: NOW,
    dueDate: DUE,
    ...over,
  },
});

const decision = (outcome: DecideDossier['outcome'], over: Partial<DecideDossier> = {}): DecideDossier => ({
  type: 'DecideDossier',
  dossierId: DOSSIER,
  outcome,
  now: '2026-12-01T09:00:00+07:00',
  decidedBy: 'officer',
  ...over,
});

const decider = givenWhenThen(dossierDecider);

function expectValid(events: ResidenceEvent[]): void {
  for (const e of events) expect(parseResidenceEvent(e.type, e.data)).toEqual({ ok: true, event: e });
}

function refusal(code: string) {
  return { ok: false, error: { code } };
}

describe('dossier decider', () => {
  describe('SubmitDossier', () => {
    it('receives a permanent registration, counted in the address ward', () => {
      const result = decider.given().when(submit('PERMANENT_REGISTRATION', { address: OTHER, reason: 'moving in with family' }));
      expect(result).toEqual(
        accept(received('PERMANENT_REGISTRATION', { address: OTHER, reason: 'moving in with family', wardCode: OTHER.wardCode })),
      );
      if (result.ok) expectValid(result.events);
    });

    it('refuses an existing dossier id', () => {
      expect(decider.given(received('ABSENCE_DECLARATION')).when(submit('ABSENCE_DECLARATION'))).toMatchObject(refusal('ALREADY_EXISTS'));
    });

    it('refuses an unknown applicant', () => {
      expect(decider.given().when(submit('ABSENCE_DECLARATION', { applicant: null }))).toMatchObject(refusal('APPLICANT_NOT_FOUND'));
    });

    it('refuses a deceased applicant', () => {
      expect(decider.given().when(submit('ABSENCE_DECLARATION', { applicant: { ...alive, status: 'DECEASED' } }))).toMatchObject(
        refusal('APPLICANT_DECEASED'),
      );
    });

    it.each(['PERMANENT_REGISTRATION', 'TEMPORARY_REGISTRATION'] as const)('refuses %s without an address', (procedure) => {
      expect(decider.given().when(submit(procedure, { endDate: '2027-06-01' }))).toEqual({
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: expect.any(String), errors: [{ field: 'address', message: expect.any(String) }] },
      });
    });

    it('records a blank reason as null', () => {
      expect(decider.given().when(submit('ABSENCE_DECLARATION', { reason: '   ' }))).toEqual(accept(received('ABSENCE_DECLARATION')));
    });

    describe('TEMPORARY_REGISTRATION term', () => {
      const temp = (over: Partial<SubmitDossier>) => submit('TEMPORARY_REGISTRATION', { address: ROOM, ...over });

      it('starts today by default and records that start', () => {
        const result = decider.given().when(temp({ endDate: '2027-05-31' }));
        expect(result).toEqual(
          accept(received('TEMPORARY_REGISTRATION', { address: ROOM, startDate: TODAY, endDate: '2027-05-31', wardCode: ROOM.wardCode })),
        );
        if (result.ok) expectValid(result.events);
      });

      it('accepts exactly 2 years after the start', () => {
        expect(decider.given().when(temp({ endDate: '2028-11-27' })).ok).toBe(true);
        expect(decider.given().when(temp({ startDate: '2026-12-15', endDate: '2028-12-15' })).ok).toBe(true);
      });

      it('refuses more than 2 years after the start', () => {
        expect(decider.given().when(temp({ endDate: '2028-11-28' }))).toMatchObject({
          ok: false,
          error: { code: 'TEMPORARY_TERM_INVALID', errors: [{ field: 'endDate' }] },
        });
        expect(decider.given().when(temp({ startDate: '2026-12-15', endDate: '2028-12-16' }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
      });

      it('counts from 29 February to 28 February two years on', () => {
        expect(decider.given().when(temp({ startDate: '2028-02-29', endDate: '2030-02-28' })).ok).toBe(true);
        expect(decider.given().when(temp({ startDate: '2028-02-29', endDate: '2030-03-01' }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
      });

      it('refuses a missing end date', () => {
        expect(decider.given().when(temp({ endDate: null }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
      });

      it('refuses an end date not after the start', () => {
        expect(decider.given().when(temp({ endDate: TODAY }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
        expect(decider.given().when(temp({ startDate: '2026-12-15', endDate: '2026-12-14' }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
      });
    });

    describe('TEMPORARY_EXTENSION', () => {
      const extend = (over: Partial<SubmitDossier>) => submit('TEMPORARY_EXTENSION', { applicant: lodger, endDate: '2027-12-10', ...over });

      it('extends the current temporary residence, at its address', () => {
        const result = decider.given().when(extend({}));
        expect(result).toEqual(
          accept(received('TEMPORARY_EXTENSION', { address: ROOM, endDate: '2027-12-10', wardCode: ROOM.wardCode })),
        );
        if (result.ok) expectValid(result.events);
      });

      it('keeps an address given in the request', () => {
        expect(decider.given().when(extend({ address: OTHER }))).toMatchObject({ ok: true, events: [{ data: { address: OTHER, wardCode: OTHER.wardCode } }] });
      });

      it('refuses without a temporary residence', () => {
        expect(decider.given().when(extend({ applicant: alive }))).toMatchObject(refusal('NO_TEMPORARY_RESIDENCE'));
      });

      it('refuses when the temporary residence has expired', () => {
        expect(decider.given().when(extend({ today: '2026-12-11' }))).toMatchObject(refusal('NO_TEMPORARY_RESIDENCE'));
      });

      it('opens the window 15 days before expiry and closes it at expiry', () => {
        expect(decider.given().when(extend({ today: '2026-11-24' }))).toMatchObject(refusal('EXTENSION_WINDOW_CLOSED'));
        expect(decider.given().when(extend({ today: '2026-11-25' })).ok).toBe(true);
        expect(decider.given().when(extend({ today: '2026-12-10' })).ok).toBe(true);
      });

      it('needs an end date after the current one, at most 2 years after it', () => {
        expect(decider.given().when(extend({ endDate: null }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
        expect(decider.given().when(extend({ endDate: '2026-12-10' }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
        expect(decider.given().when(extend({ endDate: '2028-12-10' })).ok).toBe(true);
        expect(decider.given().when(extend({ endDate: '2028-12-11' }))).toMatchObject(refusal('TEMPORARY_TERM_INVALID'));
      });
    });

    describe('deregistrations and absence', () => {
      it('receives a permanent deregistration, counted in the permanent ward', () => {
        expect(decider.given().when(submit('PERMANENT_DEREGISTRATION'))).toEqual(accept(received('PERMANENT_DEREGISTRATION')));
      });

      it('refuses a permanent deregistration without a permanent residence', () => {
        expect(decider.given().when(submit('PERMANENT_DEREGISTRATION', { applicant: { ...lodger, permanentAddress: null } }))).toMatchObject(
          refusal('NO_RESIDENCE_TO_DEREGISTER'),
        );
      });

      it('receives a temporary deregistration (also of an expired residence)', () => {
        expect(decider.given().when(submit('TEMPORARY_DEREGISTRATION', { applicant: lodger, today: '2027-01-05' })).ok).toBe(true);
      });

      it('refuses a temporary deregistration without a temporary residence', () => {
        expect(decider.given().when(submit('TEMPORARY_DEREGISTRATION'))).toMatchObject(refusal('NO_RESIDENCE_TO_DEREGISTER'));
      });

      it('counts an applicant without any address in no ward', () => {
        const homeless: ApplicantSnapshot = { status: 'ALIVE', permanentAddress: null, temporaryAddress: null, temporaryValidUntil: null };
        const result = decider.given().when(submit('ABSENCE_DECLARATION', { applicant: homeless, reason: 'working abroad' }));
        expect(result).toEqual(accept(received('ABSENCE_DECLARATION', { wardCode: null, reason: 'working abroad' })));
        if (result.ok) expectValid(result.events);
      });
    });
  });

  describe('DecideDossier', () => {
    it.each([
      ['PERMANENT_REGISTRATION', received('PERMANENT_REGISTRATION', { address: OTHER }), { kind: 'PERMANENT', address: OTHER, validUntil: null }],
      ['TEMPORARY_REGISTRATION', received('TEMPORARY_REGISTRATION', { address: ROOM, startDate: TODAY, endDate: '2027-05-31' }), { kind: 'TEMPORARY', address: ROOM, validUntil: '2027-05-31' }],
      ['TEMPORARY_EXTENSION', received('TEMPORARY_EXTENSION', { address: ROOM, endDate: '2027-12-10' }), { kind: 'TEMPORARY', address: ROOM, validUntil: '2027-12-10' }],
      ['PERMANENT_DEREGISTRATION', received('PERMANENT_DEREGISTRATION'), { kind: 'PERMANENT', address: null, validUntil: null }],
      ['TEMPORARY_DEREGISTRATION', received('TEMPORARY_DEREGISTRATION'), { kind: 'TEMPORARY', address: null, validUntil: null }],
      ['ABSENCE_DECLARATION', received('ABSENCE_DECLARATION'), null],
    ] as const)('approves a %s with its residence effect', (procedure, given, residenceEffect) => {
      const result = decider.given(given).when(decision('APPROVED', { reason: 'ignored on approval' }));
      expect(result).toEqual(
        accept({
          type: 'DossierApproved',
          data: { dossierId: DOSSIER, procedure, applicantId: PID, decidedAt: '2026-12-01T09:00:00+07:00', late: false, residenceEffect, decidedBy: 'officer' },
        }),
      );
      if (result.ok) expectValid(result.events);
    });

    it('rejects with a (trimmed) reason', () => {
      const result = decider.given(received('ABSENCE_DECLARATION')).when(decision('REJECTED', { reason: '  documents missing ' }));
      expect(result).toEqual(
        accept({
          type: 'DossierRejected',
          data: {
            dossierId: DOSSIER,
            procedure: 'ABSENCE_DECLARATION',
            applicantId: PID,
            decidedAt: '2026-12-01T09:00:00+07:00',
            late: false,
            reason: 'documents missing',
            decidedBy: 'officer',
          },
        }),
      );
      if (result.ok) expectValid(result.events);
    });

    it('refuses a rejection without a reason', () => {
      for (const reason of [undefined, null, '', '  \n']) {
        expect(decider.given(received('ABSENCE_DECLARATION')).when(decision('REJECTED', { reason }))).toEqual({
          ok: false,
          error: { code: 'VALIDATION_FAILED', message: expect.any(String), errors: [{ field: 'reason', message: expect.any(String) }] },
        });
      }
    });

    it('refuses an unknown dossier', () => {
      expect(decider.given().when(decision('APPROVED'))).toMatchObject(refusal('NOT_FOUND'));
    });

    it('refuses a second decision, whatever the first was', () => {
      const approved = decider.given(received('ABSENCE_DECLARATION')).when(decision('APPROVED'));
      const rejected = decider.given(received('ABSENCE_DECLARATION')).when(decision('REJECTED', { reason: 'no' }));
      if (!approved.ok || !rejected.ok) throw new Error('expected acceptance');
      expect(decider.given(received('ABSENCE_DECLARATION'), ...approved.events).when(decision('REJECTED', { reason: 'no' }))).toMatchObject(
        refusal('ALREADY_DECIDED'),
      );
      expect(decider.given(received('ABSENCE_DECLARATION'), ...rejected.events).when(decision('APPROVED'))).toMatchObject(
        refusal('ALREADY_DECIDED'),
      );
    });

    it.each([
      ['2026-12-08T23:59:59+07:00', false],
      ['2026-12-08T16:59:59.999Z', false],
      ['2026-12-09T00:00:00+07:00', true],
      ['2026-12-08T17:00:00Z', true],
      ['2026-12-20T10:00:00+07:00', true],
    ])('decided at %s on a dossier due 2026-12-08: late = %s', (now, late) => {
      expect(decider.given(received('ABSENCE_DECLARATION')).when(decision('APPROVED', { now }))).toMatchObject({
        ok: true,
        events: [{ data: { late } }],
      });
    });

    it('folds the decision into the state', () => {
      const given = decider.given(received('ABSENCE_DECLARATION'), {
        type: 'DossierRejected',
        data: { dossierId: DOSSIER, procedure: 'ABSENCE_DECLARATION', applicantId: PID, decidedAt: '2026-12-09T08:00:00+07:00', late: true, reason: 'no' },
      });
      expect(given.state).toMatchObject({ status: 'REJECTED', late: true, rejectionReason: 'no', decidedBy: null, dueDate: DUE });
    });
  });
});
