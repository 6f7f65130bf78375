import { runCli } from './cli-runner';
import { readOpsConfig } from './ops-config';
import { selectProjections } from './commands/replay.command';

/** Everything decided before any connection: no Postgres or Kafka needed. */
describe('ops CLI: usage, refusals and configuration', () => {
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres', KAFKA_BROKERS: '127.0.0.1:1', OPS_CONNECT_TIMEOUT_MS: '2000' };

  it('given --help, then the commands of CONTRACT.md §6 and exit 0', async () => {
    const result = await runCli(['--help'], env);
    expect(result.code).toBe(0);
    for (const command of ['history', 'verify', 'replay', 'republish', 'dlq', 'export', 'check-export', 'seed']) {
      expect(result.stdout).toContain(`  ${command} `);
    }
  });

  it('given an unknown service, then exit 2 with the message and the usage', async () => {
    const result = await runCli(['verify', 'tax'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown service "tax": one of identity, residence, lodging.');
    expect(result.stderr).toContain('Usage: ops verify [options] <service>');
    expect(result.stdout).toBe('');
  });

  it('given an unknown command or a missing option, then exit 2', async () => {
    expect((await runCli(['rebuild', 'identity'], env)).code).toBe(2);
    const noFrom = await runCli(['republish', 'identity'], env);
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toContain("error: required option '--from <position>' not specified");
    const badPosition = await runCli(['export', 'identity', '--from', '0', '--to', '3'], env);
    expect(badPosition.code).toBe(2);
    expect(badPosition.stderr).toContain('"0" is not a position (an integer from 1).');
  });

  it('given --to with --at, or a time without offset, then exit 2 before connecting', async () => {
    const both = await runCli(['replay', 'identity', '--to', '4', '--at', '2026-01-01T00:00:00Z'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("error: option '--to <position>' cannot be used with option '--at <time>'");
    const local = await runCli(['replay', 'identity', '--at', '2026-01-01 09:00'], env);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('is not a time with an offset');
    const guarded = await runCli(['replay', 'identity', '--to', '4', '--require-match'], env);
    expect(guarded).toMatchObject({ code: 2, stderr: 'error [REFUSED]: --require-match guards a swap; --to/--at build a separate schema and swap nothing\n' });
  });

  it('given a projection name, then only the service own projections are replayable', async () => {
    expect(selectProjections('identity', undefined).map((p) => p.name)).toEqual(['citizens', 'citizen_access_log']);
    expect(selectProjections('residence', 'dossiers').map((p) => p.name)).toEqual(['residence_dossiers']);
    expect(() => selectProjections('residence', 'known_citizens')).toThrow(
      /known_citizens is fed by another service's topic \(identity\.events, consumer residence-known-citizens\), not by the residence store/,
    );
    expect(() => selectProjections('lodging', 'known_citizens')).toThrow(/consumer known_citizens\), not by the lodging store/);
    expect(() => selectProjections('identity', 'known_citizens')).toThrow(/read model of the residence service fed by another service's topic/);
    expect(() => selectProjections('residence', 'citizens')).toThrow('citizens is a projection of the identity store, not of residence: run `ops replay identity --projection citizens`');

    const unknown = await runCli(['replay', 'lodging', '--projection', 'taxes'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error \[UNKNOWN_PROJECTION\]: the lodging service has no projection "taxes": one of establishments \(establishments\); notices/);
  });

  it('given an unreachable database, then one line saying so and exit 1', async () => {
    const result = await runCli(['verify', 'identity'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[DATABASE_UNREACHABLE\]: cannot reach Postgres at 127\.0\.0\.1:1 \(.*ECONNREFUSED.*\): is it running, and is DATABASE_URL right\?\n$/);
  });

  it('given a bad configuration, then every problem listed and exit 2', async () => {
    const result = await runCli(['verify', 'identity'], { ...env, IDENTITY_DATABASE: 'Bad-Name', OPS_CONNECT_TIMEOUT_MS: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error [CONFIG]: invalid configuration: ');
    expect(result.stderr).toContain('IDENTITY_DATABASE must be a plain lower-case database name, got "Bad-Name"');
    expect(result.stderr).toContain('OPS_CONNECT_TIMEOUT_MS must be an integer');
  });

  it('given no environment, then the local defaults of README', () => {
    expect(readOpsConfig({})).toEqual({
      databaseServerUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      databases: { identity: 'd06_identity', residence: 'd06_residence', lodging: 'd06_lodging' },
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      signingKeyFile: null,
      dataDir: '.data/ops',
      connectTimeoutMs: 5000,
    });
  });

  it('given a missing export file, then exit 1 naming it', async () => {
    const result = await runCli(['check-export', '/nonexistent/export.json'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[FILE\]: cannot read the export \/nonexistent\/export\.json: ENOENT/);
  });
});
