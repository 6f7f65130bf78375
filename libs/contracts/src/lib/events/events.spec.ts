import {
  AUDIT_EVENT_TYPES,
  EVENT_SCHEMA_VERSIONS,
  IDENTITY_EVENT_TYPES,
  LODGING_EVENT_TYPES,
  type PublicEventType,
  RESIDENCE_EVENT_TYPES,
  accessStreamIdOf,
  isIdentityEventType,
  parseAuditEvent,
  parseIdentityEvent,
  parseLodgingEvent,
  parsePublicEvent,
  parseResidenceEvent,
  schemaVersionOf,
} from './index';

const PID = '001090012345';
const AT = '2026-11-27T10:00:00+07:00';
const DOSSIER = '6f1c2a4e-8d3b-4c5f-9a7e-1b2c3d4e5f60';
const EST = '3d6f0a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
const NOTICE = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ADDRESS = { provinceCode: '66', wardCode: '24133', detail: '12 Lê Duẩn' };

/** One valid `data` per public event type. */
const VALID: Record<PublicEventType, Record<string, unknown>> = {
  CitizenRegistered: { personalId: PID, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', gender: 'MALE', permanentAddress: ADDRESS, registeredAt: AT },
  CitizenDetailsCorrected: { personalId: PID, changes: { fullName: 'Nguyễn Văn Ân', gender: 'FEMALE' }, correctedAt: AT },
  CitizenDied: { personalId: PID, dateOfDeath: '2026-11-01', recordedAt: AT },
  CitizenResidenceChanged: {
    personalId: PID,
    kind: 'TEMPORARY',
    address: ADDRESS,
    validUntil: '2027-11-26',
    dossierId: DOSSIER,
    procedure: 'TEMPORARY_REGISTRATION',
    changedAt: AT,
  },
  CitizenDataAccessed: {
    personalId: PID,
    clientId: 'agency',
    purpose: 'insurance',
    fields: ['personalId', 'fullName'],
    channel: 'SHARING',
    correlationId: 'corr-1',
    accessedAt: AT,
  },
  DossierReceived: {
    dossierId: DOSSIER,
    procedure: 'TEMPORARY_REGISTRATION',
    applicantId: PID,
    address: ADDRESS,
    startDate: '2026-11-27',
    endDate: '2027-11-26',
    reason: null,
    wardCode: '24133',
    receivedAt: AT,
    dueDate: '2026-12-02',
  },
  DossierApproved: {
    dossierId: DOSSIER,
    procedure: 'TEMPORARY_REGISTRATION',
    applicantId: PID,
    decidedAt: AT,
    late: false,
    residenceEffect: { kind: 'TEMPORARY', address: ADDRESS, validUntil: '2027-11-26' },
    decidedBy: 'officer',
  },
  DossierRejected: { dossierId: DOSSIER, procedure: 'ABSENCE_DECLARATION', applicantId: PID, decidedAt: AT, late: true, reason: 'incomplete' },
  EstablishmentRegistered: { establishmentId: EST, name: 'Khách sạn Hoa Sen', kind: 'HOTEL', address: ADDRESS, registeredAt: AT },
  EstablishmentDetailsChanged: { establishmentId: EST, changes: { kind: 'HOMESTAY' }, changedAt: AT },
  NoticeSubmitted: {
    noticeId: NOTICE,
    establishmentId: EST,
    wardCode: '24133',
    arrivalAt: '2026-11-27T21:40:00+07:00',
    expectedDepartureAt: null,
    room: '204',
    receivedAt: '2026-11-27T22:10:00+07:00',
    dueBy: '2026-11-27T23:00:00+07:00',
    late: false,
    guests: [
      { guestNo: 1, nationality: 'VNM', personalId: PID, fullName: null, dateOfBirth: null, dueBy: '2026-11-27T23:00:00+07:00', verified: true },
      {
        guestNo: 2,
        nationality: 'USA',
        passportNumber: 'X1234567',
        fullName: 'John Smith',
        dateOfBirth: '1985-03-02',
        dueBy: '2026-11-28T09:40:00+07:00',
        verified: false,
      },
    ],
  },
  GuestsDeparted: { noticeId: NOTICE, establishmentId: EST, departedAt: '2026-11-29T11:45:00Z' },
};

const TYPES = Object.keys(VALID) as PublicEventType[];

function errorsOf(type: string, data: unknown): string[] {
  const result = parsePublicEvent(type, data);
  return result.ok ? [] : result.errors;
}

function withField(type: PublicEventType, field: string, value: unknown): Record<string, unknown> {
  return { ...VALID[type], [field]: value };
}

describe('public event payloads', () => {
  it('lists every event type once, at schema version 1', () => {
    const all = [...IDENTITY_EVENT_TYPES, ...AUDIT_EVENT_TYPES, ...RESIDENCE_EVENT_TYPES, ...LODGING_EVENT_TYPES];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...TYPES].sort());
    for (const type of all) {
      expect(EVENT_SCHEMA_VERSIONS[type]).toBe(1);
      expect(schemaVersionOf(type)).toBe(1);
    }
    expect(schemaVersionOf('NoSuchEvent')).toBeUndefined();
    expect(schemaVersionOf('toString')).toBeUndefined();
    expect(isIdentityEventType('CitizenDied')).toBe(true);
    expect(isIdentityEventType('DossierReceived')).toBe(false);
  });

  it.each(TYPES)('accepts a valid %s', (type) => {
    expect(parsePublicEvent(type, VALID[type])).toEqual({ ok: true, event: { type, data: VALID[type] } });
  });

  it('routes each context parser to its own types only', () => {
    expect(parseIdentityEvent('CitizenDied', VALID.CitizenDied).ok).toBe(true);
    expect(parseAuditEvent('CitizenDataAccessed', VALID.CitizenDataAccessed).ok).toBe(true);
    expect(parseResidenceEvent('DossierRejected', VALID.DossierRejected).ok).toBe(true);
    expect(parseLodgingEvent('GuestsDeparted', VALID.GuestsDeparted).ok).toBe(true);
    expect(parseIdentityEvent('DossierRejected', VALID.DossierRejected)).toEqual({ ok: false, errors: [expect.stringContaining('type:')] });
    expect(parseLodgingEvent('CitizenDied', VALID.CitizenDied).ok).toBe(false);
    expect(parsePublicEvent('NoSuchEvent', {})).toEqual({ ok: false, errors: [expect.stringContaining('NoSuchEvent')] });
    expect(parsePublicEvent('constructor', {}).ok).toBe(false);
  });

  it.each(TYPES)('rejects a %s whose data is not an object', (type) => {
    for (const data of [null, undefined, 'x', 1, [], [VALID[type]]]) {
      expect(errorsOf(type, data)).toEqual([expect.stringMatching(/^data: expected an object/)]);
    }
  });

  it.each(TYPES)('rejects a %s with any field of the wrong type or missing', (type) => {
    for (const field of Object.keys(VALID[type])) {
      if (type.startsWith('Dossier') && field === 'decidedBy') continue; // optional: checked below
      expect(errorsOf(type, withField(type, field, 42))).toEqual([expect.stringMatching(new RegExp(`^data\\.${field}: expected`))]);
      const { [field]: _dropped, ...missing } = VALID[type];
      expect(errorsOf(type, missing)).toEqual([`data.${field}: required`]);
    }
  });

  it('tolerates unknown extra fields', () => {
    const data = { ...VALID.CitizenRegistered, nickname: 'Tí', permanentAddress: { ...ADDRESS, note: 'x' } };
    expect(parsePublicEvent('CitizenRegistered', data).ok).toBe(true);
  });

  it('checks dates and instants for real', () => {
    expect(errorsOf('CitizenDied', withField('CitizenDied', 'dateOfDeath', '2026-02-30'))).toHaveLength(1);
    expect(errorsOf('CitizenDied', withField('CitizenDied', 'dateOfDeath', '2026-2-3'))).toHaveLength(1);
    expect(errorsOf('CitizenDied', withField('CitizenDied', 'dateOfDeath', '2028-02-29'))).toEqual([]);
    for (const bad of ['2026-11-27T10:00:00', '2026-11-27 10:00:00+07:00', '2026-11-27T24:00:00Z', '2026-11-27T10:00+07:00', 'yesterday', '']) {
      expect(errorsOf('CitizenDied', withField('CitizenDied', 'recordedAt', bad))).toEqual([expect.stringMatching(/^data\.recordedAt: expected an ISO-8601 instant/)]);
    }
    for (const good of ['2026-11-27T03:00:00Z', '2026-11-27T10:00:00.123+07:00', '2026-11-27T10:00:00.123456-05:30']) {
      expect(errorsOf('CitizenDied', withField('CitizenDied', 'recordedAt', good))).toEqual([]);
    }
  });

  it('checks identifiers and enumerations', () => {
    expect(errorsOf('CitizenDied', withField('CitizenDied', 'personalId', '00109001234'))).toHaveLength(1);
    expect(errorsOf('CitizenRegistered', withField('CitizenRegistered', 'gender', 'OTHER'))).toHaveLength(1);
    expect(errorsOf('CitizenRegistered', withField('CitizenRegistered', 'fullName', '  '))).toHaveLength(1);
    expect(errorsOf('CitizenRegistered', withField('CitizenRegistered', 'permanentAddress', null))).toEqual([]);
    expect(errorsOf('CitizenRegistered', withField('CitizenRegistered', 'permanentAddress', { provinceCode: '66', wardCode: 24133, detail: '' }))).toEqual([
      expect.stringMatching(/^data\.permanentAddress\.wardCode: expected a non-blank string/),
    ]);
    expect(errorsOf('DossierReceived', withField('DossierReceived', 'dossierId', 'not-a-uuid'))).toHaveLength(1);
    expect(errorsOf('DossierReceived', withField('DossierReceived', 'procedure', 'NATURALISATION'))).toHaveLength(1);
    expect(errorsOf('CitizenDataAccessed', withField('CitizenDataAccessed', 'channel', 'EMAIL'))).toHaveLength(1);
    expect(errorsOf('CitizenDataAccessed', withField('CitizenDataAccessed', 'fields', ['fullName', 3]))).toEqual([
      expect.stringMatching(/^data\.fields\[1\]: expected a non-blank string/),
    ]);
    expect(errorsOf('EstablishmentRegistered', withField('EstablishmentRegistered', 'kind', 'CASTLE'))).toHaveLength(1);
  });

  it('checks optional fields when present', () => {
    expect(errorsOf('CitizenDetailsCorrected', withField('CitizenDetailsCorrected', 'changes', { gender: 'X' }))).toEqual([
      expect.stringMatching(/^data\.changes\.gender: expected one of MALE, FEMALE/),
    ]);
    expect(errorsOf('CitizenDetailsCorrected', withField('CitizenDetailsCorrected', 'changes', {}))).toEqual([]);
    expect(errorsOf('EstablishmentDetailsChanged', withField('EstablishmentDetailsChanged', 'changes', { address: { provinceCode: '66' } }))).toHaveLength(2);
    expect(errorsOf('DossierApproved', withField('DossierApproved', 'decidedBy', 7))).toHaveLength(1);
    const { decidedBy: _omitted, ...withoutDecidedBy } = VALID.DossierApproved;
    expect(errorsOf('DossierApproved', withoutDecidedBy)).toEqual([]);
  });

  it('checks a residence effect', () => {
    const effect = (residenceEffect: unknown) => errorsOf('DossierApproved', withField('DossierApproved', 'residenceEffect', residenceEffect));
    expect(effect(null)).toEqual([]);
    expect(effect({ kind: 'PERMANENT', address: null, validUntil: null })).toEqual([]);
    expect(effect({ kind: 'PERMANENT', address: ADDRESS, validUntil: '2027-01-01' })).toEqual([
      'data.residenceEffect.validUntil: must be null for a PERMANENT residence',
    ]);
    expect(effect({ kind: 'SUMMER', address: ADDRESS, validUntil: null })).toHaveLength(1);
  });

  it('checks guests by nationality', () => {
    const guests = VALID.NoticeSubmitted['guests'] as Record<string, unknown>[];
    const notice = (gs: unknown[]) => errorsOf('NoticeSubmitted', withField('NoticeSubmitted', 'guests', gs));
    expect(notice([])).toEqual(['data.guests: expected 1 to 200 items, got 0']);
    expect(notice([{ ...guests[1], verified: true }])).toEqual(['data.guests[0].verified: expected false (foreign guests are never verified)']);
    expect(notice([{ ...guests[1], nationality: 'usa' }])).toHaveLength(1);
    expect(notice([{ ...guests[0], personalId: undefined }])).toEqual(['data.guests[0].personalId: required']);
    // a VNM guest given a passport instead of a personalId is not a valid guest
    expect(notice([{ ...guests[1], nationality: 'VNM' }])).toEqual(['data.guests[0].personalId: required']);
    expect(notice([{ ...guests[0], guestNo: 0 }, { ...guests[1], guestNo: 1.5 }])).toHaveLength(2);
  });

  it('names the access-log stream', () => {
    expect(accessStreamIdOf(PID)).toBe(`access-${PID}`);
  });
});
