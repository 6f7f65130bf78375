import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GENESIS_HASH } from '@d06/contracts';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import {
  address,
  citizen,
  expectCode,
  meta,
  movedPermanently,
  ops,
  opsEnv,
  registered,
  storeFixture,
  temporaryDirectory,
  testUuid,
  type StoreFixture,
} from '../../testing/ops-test-kit';

jest.setTimeout(60_000);

describe('export and check-export (identity store in Postgres)', () => {
  let f: StoreFixture;
  let tmp: { dir: string; remove(): Promise<void> };
  let env: Record<string, string>;
  let file: string;
  const people = Array.from({ length: 16 }, (_, i) => citizen(i + 1));

  /** A copy of the export with one byte changed at `offset` (to `to`, or the next byte value). */
  async function alteredCopy(name: string, offset: number, to?: string): Promise<string> {
    const bytes = Buffer.from(await readFile(file));
    bytes[offset] = to === undefined ? (bytes[offset] + 1) % 256 : to.charCodeAt(0);
    const copy = path.join(tmp.dir, name);
    await writeFile(copy, bytes);
    await writeFile(`${copy}.sig`, await readFile(`${file}.sig`));
    await writeFile(`${copy}.pub.pem`, await readFile(`${file}.pub.pem`));
    return copy;
  }

  beforeAll(async () => {
    tmp = await temporaryDirectory('export');
    f = await storeFixture('ops_export', 'identity', IDENTITY_READ_MODEL_MIGRATIONS, IDENTITY_PROJECTIONS);
    env = opsEnv({ databases: { identity: f.db.name }, dataDir: path.join(tmp.dir, 'ops-data') });
    await f.store.appendMany(
      people.map((c, i) => ({ streamId: c.personalId, expectedVersion: 'no-stream' as const, events: [registered(c, '2026-01-05T02:00:00.000Z', address(i))] })),
      { meta: meta() },
    );
    await f.seal();
    for (const [i, c] of people.slice(0, 8).entries()) {
      await f.store.append(c.personalId, 1, [movedPermanently(c, address(30 + i), '2026-02-01T03:00:00.000Z', testUuid(i))], { meta: meta() });
    }
    await f.seal();
    file = path.join(tmp.dir, 'identity-5-20.evidence.json');
  });

  afterAll(async () => {
    await f?.close();
    await tmp?.remove();
  });

  it('given a range, when exported, then the events, their chain and a signature over the head are written, and check-export passes', async () => {
    const exported = expectCode(await ops(['export', 'identity', '--from', '5', '--to', '20', '--out', file], env), 0);
    expect(exported.stdout).toContain(`identity: exported positions 5..20 (16 events) to ${file}`);
    expect(exported.stderr).toContain('note: generated a new Ed25519 signing key at');
    expect(existsSync(path.join(tmp.dir, 'ops-data', 'signing-key.pem'))).toBe(true);

    const doc = JSON.parse(await readFile(file, 'utf8'));
    const [p4] = await f.sql<{ hash: string }>('SELECT hash FROM events WHERE position = 4');
    const [p20] = await f.sql<{ hash: string }>('SELECT hash FROM events WHERE position = 20');
    expect(doc).toMatchObject({ service: 'identity', from: 5, to: 20, count: 16, anchor: { position: 4, hash: p4.hash }, head: { position: 20, hash: p20.hash } });
    expect(doc.events.map((e: { position: number }) => e.position)).toEqual(Array.from({ length: 16 }, (_, i) => i + 5));
    // Raw stored envelopes: exactly the rows.
    const [row] = await f.sql<{ event_id: string; data: unknown }>('SELECT event_id, data FROM events WHERE position = 17');
    expect(doc.events[12]).toMatchObject({ eventId: row.event_id, type: 'CitizenResidenceChanged', data: row.data });

    const checked = expectCode(await ops(['check-export', file], env), 0);
    expect(checked.stdout).toContain('OK: identity positions 5..20 (16 events), every hash and link intact');
    expect(checked.stderr).toContain('note: using the public key next to the export');
    const withKey = expectCode(await ops(['check-export', file, '--public-key', path.join(tmp.dir, 'ops-data', 'signing-key.pub.pem')], env), 0);
    expect(withKey.stderr).toBe('');
  });

  it('given the export altered by one byte, when checked, then it fails naming the problem', async () => {
    const text = await readFile(file, 'utf8');
    // "Nguyễn Văn 9" -> "Nguyễn Văn 8" in the registration at position 9.
    const nameByte = Buffer.from(text).indexOf('Nguyễn Văn 9') + Buffer.from('Nguyễn Văn ').length;
    const dataByte = expectCode(await ops(['check-export', await alteredCopy('data.json', nameByte, '8')], env), 1);
    expect(dataByte.stdout).toMatch(/^INVALID: position 9: hash [0-9a-f]{64} does not match its content/);

    const toByte = Buffer.from(text).indexOf('"to": 20') + '"to": '.length + 1;
    const range = expectCode(await ops(['check-export', await alteredCopy('range.json', toByte, '1')], env), 1);
    expect(range.stdout).toMatch(/^INVALID: /);

    const layout = expectCode(await ops(['check-export', await alteredCopy('layout.json', text.indexOf('\n'), ' ')], env), 1);
    expect(layout.stdout).toBe(`INVALID: the export is not in its exact written form (first difference at byte ${text.indexOf('\n')}): it was edited\n`);

    const hashByte = Buffer.from(text).indexOf(`"hash": "`, Buffer.from(text).indexOf('"events"')) + '"hash": "'.length;
    const hash = expectCode(await ops(['check-export', await alteredCopy('hash.json', hashByte)], env), 1);
    expect(hash.stdout).toMatch(/^INVALID: position 5: /);

    const exportedAt = Buffer.from(text).indexOf('"exportedAt": "') + '"exportedAt": "'.length + 3;
    const statement = expectCode(await ops(['check-export', await alteredCopy('statement.json', exportedAt)], env), 1);
    expect(statement.stdout).toContain('INVALID: the signature does not match the statement');

    const signature = await alteredCopy('sig.json', 0, '{'); // byte 0 is '{' already: an exact copy
    const sigBytes = Buffer.from(await readFile(`${signature}.sig`));
    const at = sigBytes.indexOf('"signature": "') + '"signature": "'.length + 5;
    sigBytes[at] = sigBytes[at] === 0x41 ? 0x42 : 0x41;
    await writeFile(`${signature}.sig`, sigBytes);
    const sig = expectCode(await ops(['check-export', signature], env), 1);
    expect(sig.stdout).toContain('INVALID: the signature does not match the statement');
  });

  it('given another key, when checked with it, then it fails; given OPS_SIGNING_KEY_FILE, exports are signed with that key', async () => {
    const other = generateKeyPairSync('ed25519');
    const otherPublic = path.join(tmp.dir, 'other.pub.pem');
    await writeFile(otherPublic, other.publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = expectCode(await ops(['check-export', file, '--public-key', otherPublic], env), 1);
    expect(wrong.stdout).toMatch(/^INVALID: the export was signed with key sha256:[0-9a-f]{64}; the public key given is sha256:[0-9a-f]{64}/);

    const keyFile = path.join(tmp.dir, 'agency-key.pem');
    await writeFile(keyFile, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const own = path.join(tmp.dir, 'from-1.json');
    const keyed = { ...env, OPS_SIGNING_KEY_FILE: keyFile };
    expectCode(await ops(['export', 'identity', '--from', '1', '--to', '24', '--out', own], keyed), 0);
    const doc = JSON.parse(await readFile(own, 'utf8'));
    expect(doc.anchor).toEqual({ position: 0, hash: GENESIS_HASH });
    expectCode(await ops(['check-export', own, '--public-key', otherPublic], env), 0);

    const rsaFile = path.join(tmp.dir, 'rsa.pem');
    await writeFile(rsaFile, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const rsa = expectCode(await ops(['export', 'identity', '--from', '1', '--to', '2', '--out', path.join(tmp.dir, 'rsa.json')], { ...env, OPS_SIGNING_KEY_FILE: rsaFile }), 1);
    expect(rsa.stderr).toContain('error [SIGNING_KEY]');
    expect(rsa.stderr).toContain('holds a rsa key; exports are signed with Ed25519');
  });

  it('given unsafe or impossible requests, when export is asked, then it refuses and writes nothing; a tampered store is not signed', async () => {
    const beyond = expectCode(await ops(['export', 'identity', '--from', '1', '--to', '25', '--out', path.join(tmp.dir, 'beyond.json')], env), 2);
    expect(beyond.stderr).toBe('error [REFUSED]: --to 25 is beyond the head of the identity store (position 24)\n');
    const again = expectCode(await ops(['export', 'identity', '--from', '5', '--to', '20', '--out', file], env), 2);
    expect(again.stderr).toBe(`error [REFUSED]: ${file} exists: pass --force to overwrite it\n`);

    await f.sql('ALTER TABLE event_log DISABLE TRIGGER event_log_immutable');
    await f.sql(`UPDATE event_log SET data = jsonb_set(data, '{fullName}', '"Giả Mạo"') WHERE seq = (SELECT seq FROM event_seals WHERE position = 10)`);
    const tampered = path.join(tmp.dir, 'tampered.json');
    const refusedExport = expectCode(await ops(['export', 'identity', '--from', '5', '--to', '20', '--out', tampered], env), 1);
    expect(refusedExport.stderr).toMatch(/^error \[CHAIN_BROKEN\]: position 10 of the identity store is broken \(stored hash/);
    expect(existsSync(tampered)).toBe(false);
    expect(existsSync(`${tampered}.sig`)).toBe(false);
  });
});
