import type { Address, EstablishmentKind } from '@d06/contracts';
import type { SqlTarget } from './sql-target';

export interface EstablishmentView {
  establishmentId: string;
  name: string;
  kind: EstablishmentKind;
  address: Address;
  registeredAt: string;
}

interface EstablishmentRow {
  establishment_id: string;
  name: string;
  kind: EstablishmentKind;
  province_code: string;
  ward_code: string;
  address_detail: string;
  registered_at: string;
}

/** The establishment as the read model knows it, or null when there is none by that id. */
export async function findEstablishment(db: SqlTarget, establishmentId: string): Promise<EstablishmentView | null> {
  const rows: EstablishmentRow[] = await db.query(
    `SELECT establishment_id, name, kind, province_code, ward_code, address_detail, registered_at
       FROM establishments WHERE establishment_id = $1`,
    [establishmentId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    establishmentId: row.establishment_id,
    name: row.name,
    kind: row.kind,
    address: { provinceCode: row.province_code, wardCode: row.ward_code, detail: row.address_detail },
    registeredAt: row.registered_at,
  };
}
