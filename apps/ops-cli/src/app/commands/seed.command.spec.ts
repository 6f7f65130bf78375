import { validatePersonalId } from '@d06/contracts';
import { findWard, validateAddress } from '@d06/reference-data';
import { SyntheticPopulation } from './seed.command';

function draw(seed: number, n: number) {
  const population = new SyntheticPopulation(seed);
  return Array.from({ length: n }, () => population.next());
}

describe('synthetic population', () => {
  const citizens = draw(6, 5000);

  it('given the same seed, then the same citizens in the same order, whatever the total asked for', () => {
    expect(draw(6, 200)).toEqual(citizens.slice(0, 200));
    expect(draw(7, 50)).not.toEqual(citizens.slice(0, 50));
  });

  it('given any citizen, then the personal ID is valid and agrees with the date of birth and gender', () => {
    for (const c of citizens) {
      expect(validatePersonalId(c.personalId, { dateOfBirth: c.dateOfBirth, gender: c.gender })).toEqual([]);
    }
  });

  it('given many citizens, then no personal ID is issued twice', () => {
    expect(new Set(citizens.map((c) => c.personalId)).size).toBe(citizens.length);
  });

  it('given any citizen, then born 1930-2024 and living in a real ward of its province', () => {
    for (const c of citizens) {
      expect(c.dateOfBirth >= '1930-01-01' && c.dateOfBirth <= '2024-12-31').toBe(true);
      expect(validateAddress(c.permanentAddress, 'permanentAddress')).toEqual([]);
      expect(findWard(c.permanentAddress.wardCode)?.provinceCode).toBe(c.permanentAddress.provinceCode);
    }
  });

  it('given the population, then names are Vietnamese (family name first, diacritics), both genders appear and Nguyễn is the commonest family name', () => {
    const families = new Map<string, number>();
    for (const c of citizens) {
      const parts = c.fullName.split(' ');
      expect(parts.length).toBeGreaterThanOrEqual(2);
      families.set(parts[0], (families.get(parts[0]) ?? 0) + 1);
    }
    const top = [...families.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(top[0]).toBe('Nguyễn');
    expect(citizens.filter((c) => /[^ -~]/.test(c.fullName)).length).toBeGreaterThan(citizens.length * 0.9);
    const males = citizens.filter((c) => c.gender === 'MALE').length;
    expect(males).toBeGreaterThan(citizens.length * 0.45);
    expect(males).toBeLessThan(citizens.length * 0.55);
  });
});
