import type { EntityManager } from 'typeorm';
import {
  IDENTITY_EVENT_TYPES,
  assertNever,
  normalizeName,
  type Address,
  type CitizenDetailsCorrectedData,
  type CitizenDiedData,
  type CitizenRegisteredData,
  type CitizenResidenceChangedData,
  type IdentityEvent,
} from '@d06/contracts';
import { defineProjection, type RecordedEvent } from '@d06/event-sourcing';

/** A `citizens` row as the bulk insert of registrations receives it (JSON, one per citizen). */
export interface RegisteredCitizenRow {
  personal_id: string;
  full_name: string;
  full_name_normalized: string;
  date_of_birth: string;
  gender: string;
  permanent_address: Address | null;
  version: number;
  updated_at: string;
}

/** Where an event sits in its stream and when it happened: what every row remembers. */
export interface RowStamp {
  version: number;
  updatedAt: string;
}

export function registeredCitizenRow(data: CitizenRegisteredData, stamp: RowStamp): RegisteredCitizenRow {
  return {
    personal_id: data.personalId,
    full_name: data.fullName,
    full_name_normalized: normalizeName(data.fullName),
    date_of_birth: data.dateOfBirth,
    gender: data.gender,
    permanent_address: data.permanentAddress,
    version: stamp.version,
    updated_at: stamp.updatedAt,
  };
}

// One statement for any number of registrations: what keeps the seeder's batches of thousands
// and a full replay fast. A registration is the first event of its stream, so a row that is
// already there has seen it (redelivery, replay over a live table) and stays as it is.
const INSERT_REGISTERED_SQL = `
INSERT INTO citizens (personal_id, full_name, full_name_normalized, date_of_birth, gender, status,
                      date_of_death, permanent_address, temporary_address, temporary_valid_until, version, updated_at)
SELECT r.personal_id, r.full_name, r.full_name_normalized, r.date_of_birth, r.gender, 'ALIVE',
       NULL, r.permanent_address, NULL, NULL, r.version, r.updated_at
  FROM jsonb_to_recordset($1::jsonb) AS r(personal_id text, full_name text, full_name_normalized text, date_of_birth date,
                                          gender text, permanent_address jsonb, version integer, updated_at timestamptz)
ON CONFLICT (personal_id) DO NOTHING`;

// Every later event only moves a row forward: `version < $n` makes a re-applied one a no-op.
const CORRECT_SQL = `
UPDATE citizens
   SET full_name = coalesce($2, full_name),
       full_name_normalized = coalesce($3, full_name_normalized),
       date_of_birth = coalesce($4::date, date_of_birth),
       gender = coalesce($5, gender),
       version = $6, updated_at = $7
 WHERE personal_id = $1 AND version < $6`;

const DIED_SQL = `
UPDATE citizens SET status = 'DECEASED', date_of_death = $2::date, version = $3, updated_at = $4
 WHERE personal_id = $1 AND version < $3`;

const PERMANENT_SQL = `
UPDATE citizens SET permanent_address = $2::jsonb, version = $3, updated_at = $4
 WHERE personal_id = $1 AND version < $3`;

const TEMPORARY_SQL = `
UPDATE citizens SET temporary_address = $2::jsonb, temporary_valid_until = $3::date, version = $4, updated_at = $5
 WHERE personal_id = $1 AND version < $4`;

function addressParam(address: Address | null): string | null {
  return address === null ? null : JSON.stringify(address);
}

async function applyCorrection(manager: EntityManager, data: CitizenDetailsCorrectedData, stamp: RowStamp): Promise<void> {
  const { fullName, dateOfBirth, gender } = data.changes;
  await manager.query(CORRECT_SQL, [
    data.personalId,
    fullName ?? null,
    fullName === undefined ? null : normalizeName(fullName),
    dateOfBirth ?? null,
    gender ?? null,
    stamp.version,
    stamp.updatedAt,
  ]);
}

async function applyDeath(manager: EntityManager, data: CitizenDiedData, stamp: RowStamp): Promise<void> {
  await manager.query(DIED_SQL, [data.personalId, data.dateOfDeath, stamp.version, stamp.updatedAt]);
}

async function applyResidence(manager: EntityManager, data: CitizenResidenceChangedData, stamp: RowStamp): Promise<void> {
  switch (data.kind) {
    case 'PERMANENT':
      await manager.query(PERMANENT_SQL, [data.personalId, addressParam(data.address), stamp.version, stamp.updatedAt]);
      return;
    case 'TEMPORARY':
      await manager.query(TEMPORARY_SQL, [
        data.personalId,
        addressParam(data.address),
        data.address === null ? null : data.validUntil,
        stamp.version,
        stamp.updatedAt,
      ]);
      return;
    default:
      assertNever(data.kind, 'residence kind');
  }
}

/**
 * `citizens`: the population register as the API shows it (CitizenView). Batch form, so that a
 * run of registrations (the seeder's thousands per append, or a replay) is one INSERT; other
 * events are applied one by one, in order, after the registrations before them.
 */
export const citizensProjection = defineProjection<IdentityEvent>({
  name: 'citizens',
  tables: ['citizens'],
  eventTypes: IDENTITY_EVENT_TYPES,
  async applyBatch(events: readonly RecordedEvent<IdentityEvent['type']>[], manager: EntityManager) {
    let registrations: RegisteredCitizenRow[] = [];
    const flush = async () => {
      if (registrations.length === 0) return;
      await manager.query(INSERT_REGISTERED_SQL, [JSON.stringify(registrations)]);
      registrations = [];
    };
    for (const recorded of events) {
      // The identity store holds only what the citizen decider emitted: type and data agree.
      const event = { type: recorded.type, data: recorded.data } as IdentityEvent;
      const stamp: RowStamp = { version: recorded.streamVersion, updatedAt: recorded.occurredAt };
      switch (event.type) {
        case 'CitizenRegistered':
          registrations.push(registeredCitizenRow(event.data, stamp));
          break;
        case 'CitizenDetailsCorrected':
          await flush();
          await applyCorrection(manager, event.data, stamp);
          break;
        case 'CitizenDied':
          await flush();
          await applyDeath(manager, event.data, stamp);
          break;
        case 'CitizenResidenceChanged':
          await flush();
          await applyResidence(manager, event.data, stamp);
          break;
        default:
          assertNever(event, 'identity event');
      }
    }
    await flush();
  },
});
