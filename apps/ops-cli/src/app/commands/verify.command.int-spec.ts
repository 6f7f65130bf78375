import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { IDENTITY_PROJECTIONS, IDENTITY_READ_MODEL_MIGRATIONS } from '@d06/identity-read-model';
import {
  accessed,
  address,
  citizen,
  expectCode,
  meta,
  movedPermanently,
  ops,
  opsEnv,
  registered,
  storeFixture,
  testUuid,
  type StoreFixture,
} from '../../testing/ops-test-kit';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../../..');

/**
 * Runs the CLI as an operator would: the built bundle when there is one (npx nx build ops-cli),
 * else main.ts through swc, which still goes through the same main.ts wiring (argv, streams,
 * exit status).
 */
function spawnCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const built = path.join(ROOT, 'dist/apps/ops-cli/main.js');
  const command = existsSync(built)
    ? [built, ...args]
    : ['-r', '@swc-node/register', path.join(ROOT, 'apps/ops-cli/src/main.ts'), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.base.json'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('verify and history (identity store in Postgres)', () => {
  let f: StoreFixture;
  let env: Record<string, string>;
  const people = Array.from({ length: 20 }, (_, i) => citizen(i + 1));

  beforeAll(async () => {
    f = await storeFixture('ops_verify', 'identity', IDENTITY_READ_MODEL_MIGRATIONS, IDENTITY_PROJECTIONS);
    env = opsEnv({ databases: { identity: f.db.name } });
    // 20 registrations (positions 1-20), then a move and a read of citizen 1 (21, 22), ...
    await f.store.appendMany(
      people.map((c) => ({ streamId: c.personalId, expectedVersion: 'no-stream' as const, events: [registered(c, '2026-01-05T02:00:00.000Z')] })),
      { meta: meta() },
    );
    await f.seal();
    await f.store.append(people[0].personalId, 1, [movedPermanently(people[0], address(7), '2026-02-01T03:00:00.000Z', testUuid(1))], { meta: meta('corr-move') });
    await f.store.append(`access-${people[0].personalId}`, 'any', [accessed(people[0], '2026-02-02T03:00:00.000Z')], { meta: meta('corr-read') });
    for (const c of people.slice(1, 11)) {
      await f.store.append(c.personalId, 1, [movedPermanently(c, address(9), '2026-02-03T03:00:00.000Z', testUuid(2))], { meta: meta() });
    }
    await f.seal();
  });

  afterAll(async () => {
    await f?.close();
  });

  it('given an intact store, when verified, then exit 0 with the count and the head hash', async () => {
    const head = await f.store.head();
    const result = expectCode(await ops(['verify', 'identity'], env), 0);
    expect(result.stdout).toContain('identity: intact; 32 events verified (positions 1..32)');
    expect(result.stdout).toContain(`head hash ${head?.hash}`);
  });

  it('given a stream, when its history is asked, then every event with position, version, type, time, actor, correlation and data', async () => {
    const result = expectCode(await ops(['history', 'identity', people[0].personalId], env), 0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`identity stream ${people[0].personalId}: 2 events`);
    expect(lines[2]).toMatch(/^POSITION\s+VERSION\s+TYPE\s+OCCURRED AT\s+ACTOR\s+CORRELATION ID$/);
    expect(lines[3]).toMatch(/^\s+1\s+1\s+CitizenRegistered\s+\S+\s+officer\/cb-042\s+corr-ops-test$/);
    expect(result.stdout).toMatch(/21\s+2\s+CitizenResidenceChanged\s+\S+\s+officer\/cb-042\s+corr-move/);
    expect(result.stdout).toContain(`"dossierId":"${testUuid(1)}"`);

    const json = JSON.parse(expectCode(await ops(['history', 'identity', people[0].personalId, '--json'], env), 0).stdout);
    expect(json).toHaveLength(2);
    expect(json[1]).toMatchObject({ position: 21, streamVersion: 2, type: 'CitizenResidenceChanged', correlationId: 'corr-move', actor: { clientId: 'officer' } });
    expect(json[1].hash).toMatch(/^[0-9a-f]{64}$/);

    const unknown = expectCode(await ops(['history', 'identity', '001090999999'], env), 1);
    expect(unknown.stderr).toBe('error [NOT_FOUND]: stream 001090999999 has no events in the identity store\n');
  });

  it('given the built CLI, when run as a process, then the same answer and exit status (main.ts wiring)', async () => {
    const intact = await spawnCli(['verify', 'identity'], env);
    expect({ code: intact.code, stderr: intact.stderr }).toEqual({ code: 0, stderr: '' });
    expect(intact.stdout).toContain('identity: intact; 32 events verified');
    const usage = await spawnCli(['verify', 'nowhere'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown service "nowhere"');
    expect(usage.stderr).toContain('Usage: ops verify [options] <service>');
  });

  it('given a row whose data was altered by SQL, when verified, then exit 1 naming that position; restored, intact again', async () => {
    await f.sql('ALTER TABLE event_log DISABLE TRIGGER event_log_immutable');
    const [original] = await f.sql<{ data: string; seq: string }>('SELECT data::text AS data, seq FROM events WHERE position = 7');
    await f.sql(`UPDATE event_log SET data = jsonb_set(data, '{fullName}', '"Trần Thị Giả"') WHERE seq = $1`, [original.seq]);

    const broken = expectCode(await ops(['verify', 'identity'], env), 1);
    expect(broken.stdout).toMatch(/^identity: BROKEN at position 7: stored hash [0-9a-f]{64} does not match the content/);
    expect(broken.stdout).toContain('6 event(s) before it verified intact');
    const json = JSON.parse(expectCode(await ops(['verify', 'identity', '--json'], env), 1).stdout);
    expect(json.result).toMatchObject({ ok: false, position: 7 });

    await f.sql('UPDATE event_log SET data = $1::jsonb WHERE seq = $2', [original.data, original.seq]);
    await f.sql('ALTER TABLE event_log ENABLE TRIGGER event_log_immutable');
    expectCode(await ops(['verify', 'identity'], env), 0);
  });

  it('given a row deleted by SQL, when verified, then exit 1 naming the missing position', async () => {
    await f.sql('ALTER TABLE event_seals DISABLE TRIGGER event_seals_immutable');
    await f.sql('DELETE FROM event_seals WHERE position = 12');
    const broken = expectCode(await ops(['verify', 'identity'], env), 1);
    expect(broken.stdout).toContain('identity: BROKEN at position 12: position 12 is missing (next stored position is 13)');
    await f.sql('ALTER TABLE event_seals ENABLE TRIGGER event_seals_immutable');
  });
});
