import { type AuditEvent, accept, accessStreamIdOf, parseAuditEvent } from '@d06/contracts';
import { givenWhenThen } from '@d06/testing';
import { type RecordDataAccess, accessLogDecider } from './access-log.decider';

const PID = '001090012345';

const read: RecordDataAccess = {
  type: 'RecordDataAccess',
  personalId: PID,
  clientId: 'agency',
  purpose: 'social insurance check',
  fields: ['personalId', 'fullName'],
  channel: 'SHARING',
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  now: '2026-11-27T10:00:00+07:00',
};

const accessed: AuditEvent = {
  type: 'CitizenDataAccessed',
  data: {
    personalId: PID,
    clientId: 'agency',
    purpose: 'social insurance check',
    fields: ['personalId', 'fullName'],
    channel: 'SHARING',
    correlationId: 'c0ffee00-0000-4000-8000-000000000001',
    accessedAt: '2026-11-27T10:00:00+07:00',
  },
};

describe('access log decider', () => {
  it('records a read on an empty log', () => {
    const result = givenWhenThen(accessLogDecider).given().when(read);
    expect(result).toEqual(accept(accessed));
    expect(parseAuditEvent(accessed.type, accessed.data)).toEqual({ ok: true, event: accessed });
  });

  it('always accepts, also after earlier reads, and without a purpose', () => {
    const given = givenWhenThen(accessLogDecider).given(accessed, accessed);
    expect(given.state).toEqual({ status: 'RECORDING', personalId: PID, accessCount: 2, lastAccessedAt: read.now });
    const lookup: RecordDataAccess = { ...read, clientId: 'officer', purpose: null, channel: 'IDENTITY_LOOKUP' };
    expect(given.when(lookup)).toEqual(
      accept({ type: 'CitizenDataAccessed', data: { ...accessed.data, clientId: 'officer', purpose: null, channel: 'IDENTITY_LOOKUP' } }),
    );
  });

  it('names the stream access-<personalId>', () => {
    expect(accessStreamIdOf(PID)).toBe('access-001090012345');
  });
});
