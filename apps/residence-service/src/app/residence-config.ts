import { readFileSync } from 'node:fs';
import { EnvReader, readServiceConfig, type ServiceConfig } from '@d06/platform';
import { parseOfficialDaysFile, type OfficialDaysFile } from '@d06/reference-data';

export interface ResidenceConfig extends ServiceConfig {
  /**
   * `RESIDENCE_CALENDAR_FILE`: a JSON file of official days off and make-up working days on top
   * of the shipped ones (same shape as vn-official-days.json; its entries win for their dates),
   * so a newly announced year needs no release. Read and checked here: a bad file stops start-up.
   */
  calendarFile: string | null;
  extraOfficialDays: OfficialDaysFile | undefined;
}

function readOfficialDays(path: string, problems: string[]): OfficialDaysFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`RESIDENCE_CALENDAR_FILE: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push(`RESIDENCE_CALENDAR_FILE: ${path} is not JSON (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
  try {
    return parseOfficialDaysFile(json, `RESIDENCE_CALENDAR_FILE ${path}`);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

export function loadResidenceConfig(env: Record<string, string | undefined>): ResidenceConfig {
  const r = new EnvReader(env);
  const service = readServiceConfig(r, 'residence');
  const calendarFile = r.optional('RESIDENCE_CALENDAR_FILE') ?? null;
  const extraOfficialDays = calendarFile === null ? undefined : readOfficialDays(calendarFile, r.problems);
  r.done();
  return { ...service, calendarFile, extraOfficialDays };
}
