import type { CitizenView } from '@d06/contracts';

export interface SharedSelection {
  /** The CitizenView restricted to the allowed fields, in the order the policy lists them. */
  body: Partial<CitizenView>;
  fields: string[];
  /** Names in the policy that are no field of a citizen (a configuration mistake to report). */
  unknown: string[];
}

/** Picks the fields an agency's policy allows out of a citizen view (CONTRACT.md §2.6). */
export function selectSharedFields(view: CitizenView, allowed: readonly string[]): SharedSelection {
  const body: Record<string, unknown> = {};
  const fields: string[] = [];
  const unknown: string[] = [];
  for (const name of allowed) {
    if (fields.includes(name) || unknown.includes(name)) continue;
    if (Object.prototype.hasOwnProperty.call(view, name)) {
      body[name] = view[name as keyof CitizenView];
      fields.push(name);
    } else {
      unknown.push(name);
    }
  }
  return { body: body as Partial<CitizenView>, fields, unknown };
}
