import type { SqlTarget } from './sql-target';

/** A guest staying now: Vietnamese guests carry `personalId`, foreign guests `passportNumber`. */
export interface CurrentGuestView {
  noticeId: string;
  guestNo: number;
  personalId?: string;
  passportNumber?: string;
  nationality: string;
  fullName: string | null;
  arrivalAt: string;
  expectedDepartureAt: string | null;
  room: string | null;
  verified: boolean;
}

interface CurrentGuestRow {
  notice_id: string;
  guest_no: number;
  nationality: string;
  personal_id: string | null;
  passport_number: string | null;
  full_name: string | null;
  arrival_at: string;
  expected_departure_at: string | null;
  room: string | null;
  verified: boolean;
}

/** The guests of the establishment's notices that have not departed, earliest arrival first. */
export async function listCurrentGuests(db: SqlTarget, establishmentId: string): Promise<CurrentGuestView[]> {
  const rows: CurrentGuestRow[] = await db.query(
    `SELECT notice_id, guest_no, nationality, personal_id, passport_number, full_name, arrival_at, expected_departure_at, room, verified
       FROM current_guests
      WHERE establishment_id = $1
      ORDER BY arrival_at::timestamptz, notice_id, guest_no`,
    [establishmentId],
  );
  return rows.map((r) => ({
    noticeId: r.notice_id,
    guestNo: r.guest_no,
    ...(r.personal_id !== null ? { personalId: r.personal_id } : {}),
    ...(r.passport_number !== null ? { passportNumber: r.passport_number } : {}),
    nationality: r.nationality,
    fullName: r.full_name,
    arrivalAt: r.arrival_at,
    expectedDepartureAt: r.expected_departure_at,
    room: r.room,
    verified: r.verified,
  }));
}
