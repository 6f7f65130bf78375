import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Client secrets are stored as scrypt hashes: `scrypt$N$r$p$<salt base64url>$<hash base64url>`.
 * N = 2^14 costs about 30-50 ms per check, which a client pays once per token, not per request.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

function derive(secret: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, or node refuses the larger cost settings.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scrypt(secret.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(secret, salt, params, KEY_LENGTH);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export interface ParsedSecretHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

/** The parts of a stored hash, or undefined when it is not in the expected format or its cost is out of range. */
export function parseSecretHash(stored: string): ParsedSecretHash | undefined {
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = N >= 1024 && N <= 1 << 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(m[4], 'base64url'), hash: Buffer.from(m[5], 'base64url') };
}

/** Constant-time comparison of a presented secret with a stored hash. */
export async function verifySecret(secret: string, stored: ParsedSecretHash): Promise<boolean> {
  const candidate = await derive(secret, stored.salt, stored.params, stored.hash.length);
  return candidate.length === stored.hash.length && timingSafeEqual(candidate, stored.hash);
}
