import { defineProjection } from '@d06/event-sourcing';
import type { EstablishmentEvent } from '@d06/contracts';

export const ESTABLISHMENTS_PROJECTION = 'establishments';

/**
 * `establishments`: one row per establishment stream. Each write is guarded by the stream
 * version, so applying an event twice (or an older one after a newer) changes nothing.
 */
export const establishmentsProjection = defineProjection<EstablishmentEvent>({
  name: ESTABLISHMENTS_PROJECTION,
  tables: ['establishments'],
  handlers: {
    EstablishmentRegistered: async (event, manager) => {
      const d = event.data;
      await manager.query(
        `INSERT INTO establishments (establishment_id, name, kind, province_code, ward_code, address_detail, registered_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (establishment_id) DO NOTHING`,
        [d.establishmentId, d.name, d.kind, d.address.provinceCode, d.address.wardCode, d.address.detail, d.registeredAt, event.streamVersion],
      );
    },
    EstablishmentDetailsChanged: async (event, manager) => {
      const { name, kind, address } = event.data.changes;
      await manager.query(
        `UPDATE establishments
            SET name = coalesce($2, name),
                kind = coalesce($3, kind),
                province_code = coalesce($4, province_code),
                ward_code = coalesce($5, ward_code),
                address_detail = coalesce($6, address_detail),
                version = $7
          WHERE establishment_id = $1 AND version < $7`,
        [
          event.data.establishmentId,
          name ?? null,
          kind ?? null,
          address?.provinceCode ?? null,
          address?.wardCode ?? null,
          address?.detail ?? null,
          event.streamVersion,
        ],
      );
    },
  },
});
