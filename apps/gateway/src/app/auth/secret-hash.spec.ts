import { hashSecret, parseSecretHash, verifySecret } from './secret-hash';

const FAST = { N: 1024, r: 8, p: 1 };

describe('client secret hashes (scrypt)', () => {
  it('given a hashed secret, when the same secret is presented, then it verifies', async () => {
    const stored = parseSecretHash(await hashSecret('portal-local-secret', FAST));
    expect(stored).toBeDefined();
    await expect(verifySecret('portal-local-secret', stored!)).resolves.toBe(true);
  });

  it('given a hashed secret, when another secret is presented, then it does not verify', async () => {
    const stored = parseSecretHash(await hashSecret('portal-local-secret', FAST))!;
    await expect(verifySecret('portal-local-secreT', stored)).resolves.toBe(false);
    await expect(verifySecret('', stored)).resolves.toBe(false);
  });

  it('given the same secret twice, when hashed, then the salts (and hashes) differ', async () => {
    expect(await hashSecret('x', FAST)).not.toBe(await hashSecret('x', FAST));
  });

  it('given the default cost, when hashed, then the format names N=16384, r=8, p=1', async () => {
    expect(await hashSecret('x')).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['not a hash', 'plain-text-secret'],
    ['another algorithm', 'bcrypt$12$abcdefghijklmnopqrstuv$abcdefghijklmnopqrstuvwxyzabcdefghijk'],
    ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['N too small', 'scrypt$16$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['p out of range', 'scrypt$16384$8$99$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('given %s, when parsed, then it is refused', (_what, stored) => {
    expect(parseSecretHash(stored)).toBeUndefined();
  });
});
