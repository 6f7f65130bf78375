import { ClientRegistry, type ClientRecord } from '../app/auth/client-registry.service';
import { hashSecret, parseSecretHash } from '../app/auth/secret-hash';
import { SCOPES, type Scope, type ShareableField } from '../app/auth/scopes';

export interface TestClientSpec {
  clientId: string;
  scopes: readonly Scope[];
  fields?: readonly ShareableField[];
  rateLimitPerMinute?: number;
}

/** The demo clients of CONTRACT.md §2.1, plus `admin` (every scope) and `throttled` (3 requests a minute). */
export const TEST_CLIENTS: readonly TestClientSpec[] = [
  { clientId: 'portal', scopes: ['residence:submit', 'residence:read', 'lodging:submit', 'lodging:read', 'identity:verify'] },
  { clientId: 'officer', scopes: ['residence:read', 'residence:decide', 'lodging:read', 'identity:read', 'identity:write'] },
  { clientId: 'agency', scopes: ['sharing:read'], fields: ['personalId', 'fullName', 'dateOfBirth', 'gender', 'permanentAddress'] },
  { clientId: 'operator', scopes: ['audit:read'] },
  { clientId: 'admin', scopes: SCOPES, fields: ['personalId', 'fullName'] },
  { clientId: 'throttled', scopes: SCOPES, fields: ['personalId'], rateLimitPerMinute: 3 },
];

/** Every test client's secret: `<clientId>-local-secret`, as the demo file. */
export const testSecretOf = (clientId: string) => `${clientId}-local-secret`;

/** A registry of the given clients, hashed with the cheapest accepted scrypt cost to keep tests fast. */
export async function testClientRegistry(specs: readonly TestClientSpec[] = TEST_CLIENTS): Promise<ClientRegistry> {
  const records: ClientRecord[] = await Promise.all(
    specs.map(async (spec) => {
      const parsed = parseSecretHash(await hashSecret(testSecretOf(spec.clientId), { N: 1024, r: 8, p: 1 }));
      if (!parsed) throw new Error('test hash not parseable');
      return { clientId: spec.clientId, secretHash: parsed, scopes: [...spec.scopes], fields: spec.fields, rateLimitPerMinute: spec.rateLimitPerMinute, demo: true };
    }),
  );
  return new ClientRegistry(records);
}
