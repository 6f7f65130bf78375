import path from 'node:path';
import { ConfigError } from '@d06/platform';
import { ClientRegistry, parseClients } from './client-registry.service';
import { hashSecret } from './secret-hash';

const REPO_ROOT = path.resolve(__dirname, '../../../../..');
const DEMO_FILE = path.join(REPO_ROOT, 'deploy/local/clients.json');

async function client(over: Record<string, unknown> = {}) {
  return { clientId: 'agency-x', secretHash: await hashSecret('s3cret', { N: 1024, r: 8, p: 1 }), scopes: ['sharing:read'], fields: ['personalId'], ...over };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('ClientRegistry', () => {
  it('given the shipped demo file, when loaded outside production, then it has the four clients of CONTRACT §2.1 and their local secrets verify', async () => {
    const registry = ClientRegistry.fromFile(DEMO_FILE, 'deploy/local/clients.json', 'development');
    expect(registry.all().map((c) => c.clientId).sort()).toEqual(['agency', 'officer', 'operator', 'portal']);
    expect(registry.get('portal')?.scopes).toEqual(['residence:submit', 'residence:read', 'lodging:submit', 'lodging:read', 'identity:verify']);
    expect(registry.get('officer')?.scopes).toEqual(['residence:read', 'residence:decide', 'lodging:read', 'identity:read', 'identity:write']);
    expect(registry.get('agency')?.fields).toEqual(['personalId', 'fullName', 'dateOfBirth', 'gender', 'permanentAddress']);
    expect(registry.get('operator')?.scopes).toEqual(['audit:read']);
    for (const c of registry.all()) {
      expect(c.demo).toBe(true);
      await expect(registry.authenticate(c.clientId, `${c.clientId}-local-secret`)).resolves.toBe(c);
    }
  });

  it('given the shipped demo file, when loaded with NODE_ENV=production, then start-up is refused with a clear config error', () => {
    const problems = problemsOf(() => ClientRegistry.fromFile(DEMO_FILE, 'deploy/local/clients.json', 'production'));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/demo client refused when NODE_ENV=production/);
  });

  it('given no file, when loaded, then the error names the setting', () => {
    expect(problemsOf(() => ClientRegistry.fromFile(undefined, 'nowhere/clients.json', 'development'))).toEqual([expect.stringContaining('"nowhere/clients.json" not found')]);
  });

  it('given a well-formed production client, when parsed for production, then it is accepted', async () => {
    const clients = parseClients({ clients: [await client({ rateLimitPerMinute: 100 })] }, 'f', 'production');
    expect(clients[0]).toMatchObject({ clientId: 'agency-x', scopes: ['sharing:read'], fields: ['personalId'], rateLimitPerMinute: 100, demo: false });
  });

  it('given broken entries, when parsed, then every problem is listed', async () => {
    const problems = problemsOf(() =>
      parseClients(
        {
          clients: [
            { clientId: 'a b', secretHash: 'plain', scopes: ['root'] },
            { clientId: 'agency-y', secretHash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', scopes: ['sharing:read'] },
            { clientId: 'agency-y', secretHash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', scopes: ['audit:read'], fields: ['salary'], rateLimitPerMinute: 0 },
          ],
        },
        'f',
        'development',
      ),
    );
    expect(problems.join('\n')).toMatch(/clientId must be/);
    expect(problems.join('\n')).toMatch(/secretHash must be/);
    expect(problems.join('\n')).toMatch(/scopes must be a non-empty list of known scopes/);
    expect(problems.join('\n')).toMatch(/needs a "fields" sharing policy/);
    expect(problems.join('\n')).toMatch(/appears twice/);
    expect(problems.join('\n')).toMatch(/fields must list citizen fields/);
    expect(problems.join('\n')).toMatch(/rateLimitPerMinute must be a positive integer/);
  });

  it('given a registry, when an unknown client or a wrong secret is presented, then authentication fails', async () => {
    const registry = new ClientRegistry(parseClients({ clients: [await client()] }, 'f', 'development'));
    await expect(registry.authenticate('agency-x', 's3cret')).resolves.toMatchObject({ clientId: 'agency-x' });
    await expect(registry.authenticate('agency-x', 'wrong')).resolves.toBeUndefined();
    await expect(registry.authenticate('nobody', 's3cret')).resolves.toBeUndefined();
  });
});
