import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OpsError, messageOf } from '../ops-errors';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** Where it came from, for the operator. */
  source: string;
  /** True when this run created it. */
  generated: boolean;
}

/** `sha256:` + hex SHA-256 of the public key's SPKI DER: names a key without trusting a file name. */
export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function requireEd25519(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new OpsError('SIGNING_KEY', `${where} holds a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; exports are signed with Ed25519`);
  }
}

function fromPrivatePem(pem: string, where: string, generated: boolean): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new OpsError('SIGNING_KEY', `${where} is not a readable PEM private key (${messageOf(err)})`);
  }
  requireEd25519(privateKey, where);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: where, generated };
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/**
 * The key that signs exports: OPS_SIGNING_KEY_FILE when set (a PEM Ed25519 private key, kept by
 * whoever is accountable for the evidence); else a key pair generated on first use under the
 * CLI's data directory (private key readable by its owner only), reused by later exports.
 */
export async function loadSigningKey(keyFile: string | null, dataDir: string): Promise<SigningKey> {
  if (keyFile) {
    let pem: string;
    try {
      pem = await readFile(keyFile, 'utf8');
    } catch (err) {
      throw new OpsError('SIGNING_KEY', `cannot read OPS_SIGNING_KEY_FILE ${keyFile}: ${messageOf(err)}`);
    }
    return fromPrivatePem(pem, keyFile, false);
  }
  const privatePath = path.resolve(dataDir, 'signing-key.pem');
  try {
    return fromPrivatePem(await readFile(privatePath, 'utf8'), privatePath, false);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    await mkdir(path.dirname(privatePath), { recursive: true, mode: 0o700 });
    // 'wx': two exports racing to create the key must not overwrite each other's.
    await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
    await writeFile(path.resolve(dataDir, 'signing-key.pub.pem'), publicKeyPem(publicKey), { mode: 0o644 });
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EEXIST') {
      return fromPrivatePem(await readFile(privatePath, 'utf8'), privatePath, false);
    }
    throw new OpsError('SIGNING_KEY', `cannot store the generated signing key under ${path.dirname(privatePath)}: ${messageOf(err)}`);
  }
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: privatePath, generated: true };
}

/** A public key given as PEM text or as the path of a PEM file (SPKI, or a private key whose public half is taken). */
export async function readPublicKey(pemOrPath: string): Promise<KeyObject> {
  let pem = pemOrPath;
  const where = pemOrPath.includes('-----BEGIN') ? 'the public key given' : pemOrPath;
  if (!pemOrPath.includes('-----BEGIN')) {
    try {
      pem = await readFile(pemOrPath, 'utf8');
    } catch (err) {
      throw new OpsError('FILE', `cannot read the public key ${pemOrPath}: ${messageOf(err)}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new OpsError('SIGNING_KEY', `${where} is not a PEM public key (${messageOf(err)})`);
  }
  requireEd25519(key, where);
  return key;
}

export function signStatement(key: SigningKey, bytes: Buffer): string {
  return sign(null, bytes, key.privateKey).toString('base64');
}

export function verifyStatement(publicKey: KeyObject, bytes: Buffer, signatureBase64: string): boolean {
  try {
    return verify(null, bytes, publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
