import { UpcastError } from './errors';
import { UpcasterRegistry } from './upcaster-registry';

interface V1 {
  name: string;
}
interface V2 {
  givenName: string;
  familyName: string;
}
interface V3 extends V2 {
  middleName: string | null;
}

function registry(): UpcasterRegistry {
  return new UpcasterRegistry()
    .register<V1, V2>('NameGiven', 1, (d) => {
      const [familyName, ...rest] = d.name.split(' ');
      return { familyName, givenName: rest.join(' ') };
    })
    .register<V2, V3>('NameGiven', 2, (d) => ({ ...d, middleName: null }));
}

describe('UpcasterRegistry', () => {
  it('derives the current version from the registered steps; other types are at v1', () => {
    expect(registry().currentVersion('NameGiven')).toBe(3);
    expect(registry().currentVersion('Other')).toBe(1);
  });

  it('chains the steps from the stored version to the current one', () => {
    const out = registry().upcast({ type: 'NameGiven', schemaVersion: 1, data: { name: 'Nguyễn Văn A' } });
    expect(out).toEqual({
      type: 'NameGiven',
      schemaVersion: 3,
      data: { familyName: 'Nguyễn', givenName: 'Văn A', middleName: null },
    });
  });

  it('returns current events untouched (same object)', () => {
    const e = { type: 'NameGiven', schemaVersion: 3, data: {} };
    expect(registry().upcast(e)).toBe(e);
  });

  it('keeps every other property of the event (envelopes)', () => {
    const out = registry().upcast({ type: 'NameGiven', schemaVersion: 2, data: { givenName: 'A', familyName: 'B' }, hash: 'h' });
    expect(out.hash).toBe('h');
  });

  it('refuses a gap in the chain and a version newer than the code', () => {
    const gap = new UpcasterRegistry().register('T', 2, (d) => d);
    expect(() => gap.upcast({ type: 'T', schemaVersion: 1, data: {} })).toThrow(UpcastError);
    expect(() => registry().upcast({ type: 'NameGiven', schemaVersion: 4, data: {} })).toThrow(/newer/);
  });

  it('refuses registering the same step twice', () => {
    expect(() => registry().register('NameGiven', 1, (d) => d)).toThrow(/twice/);
  });
});
