import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@d06/platform';
import { loadResidenceConfig } from './residence-config';

describe('residence config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'residence-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadResidenceConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('given no calendar file, then only the shipped official days are used', () => {
    const config = loadResidenceConfig({});
    expect(config.calendarFile).toBeNull();
    expect(config.extraOfficialDays).toBeUndefined();
    expect(config.database).toBe('d06_residence');
  });

  it('given a valid calendar file, then its entries are loaded', () => {
    const file = write('ok.json', JSON.stringify({ entries: [{ date: '2027-02-05', kind: 'day-off', name: 'Tết', source: 'test' }] }));
    const config = loadResidenceConfig({ RESIDENCE_CALENDAR_FILE: file });
    expect(config.extraOfficialDays?.entries).toEqual([{ date: '2027-02-05', kind: 'day-off', name: 'Tết', source: 'test' }]);
  });

  it('given a missing calendar file, then start-up fails naming the variable and the path', () => {
    const missing = path.join(dir, 'nope.json');
    expect(problemsOf({ RESIDENCE_CALENDAR_FILE: missing })).toEqual([expect.stringContaining(`RESIDENCE_CALENDAR_FILE: cannot read ${missing}`)]);
  });

  it('given a calendar file that is not JSON, then start-up fails saying so', () => {
    const file = write('broken.json', '{ entries: [');
    expect(problemsOf({ RESIDENCE_CALENDAR_FILE: file })).toEqual([expect.stringContaining('is not JSON')]);
  });

  it('given a calendar file with bad entries, then start-up fails listing each problem', () => {
    const file = write('bad.json', JSON.stringify({ entries: [{ date: '2027-02-30', kind: 'holiday', name: '', source: 'x' }] }));
    const [problem] = problemsOf({ RESIDENCE_CALENDAR_FILE: file });
    expect(problem).toContain('is malformed');
    expect(problem).toContain('entries[0].date');
    expect(problem).toContain('entries[0].kind');
    expect(problem).toContain('entries[0].name');
  });

  it('given a bad calendar file and a bad port, then both problems are reported at once', () => {
    const file = write('bad2.json', '[]');
    expect(problemsOf({ RESIDENCE_CALENDAR_FILE: file, RESIDENCE_HTTP_PORT: 'x' })).toHaveLength(2);
  });
});
