import { ManualClock } from '@d06/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** CONTRACT.md §2.3-§2.6 and §2.1: every operation with the scope it needs (undefined: no token). */
const CONTRACT_ROUTES: [method: string, path: string, scope: string | undefined][] = [
  ['post', '/api/v1/auth/token', undefined],
  ['post', '/api/v1/citizens', 'identity:write'],
  ['get', '/api/v1/citizens/{personalId}', 'identity:read'],
  ['post', '/api/v1/citizens/{personalId}/death', 'identity:write'],
  ['post', '/api/v1/identity/verify', 'identity:verify'],
  ['post', '/api/v1/residence/dossiers', 'residence:submit'],
  ['get', '/api/v1/residence/dossiers/{dossierId}', 'residence:read'],
  ['post', '/api/v1/residence/dossiers/{dossierId}/decision', 'residence:decide'],
  ['get', '/api/v1/residence/stats', 'residence:read'],
  ['post', '/api/v1/lodging/establishments', 'lodging:submit'],
  ['post', '/api/v1/lodging/notices', 'lodging:submit'],
  ['post', '/api/v1/lodging/notices/{noticeId}/departure', 'lodging:submit'],
  ['get', '/api/v1/lodging/establishments/{establishmentId}/guests', 'lodging:read'],
  ['get', '/api/v1/lodging/stats', 'lodging:read'],
  ['get', '/api/v1/sharing/citizens/{personalId}', 'sharing:read'],
  ['get', '/api/v1/audit/access-log', 'audit:read'],
  ['get', '/api/v1/audit/streams/{service}/{streamId}', 'audit:read'],
];

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  example?: unknown;
  type?: string;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}
interface Operation {
  security?: Record<string, string[]>[];
  'x-required-scopes'?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema; example?: unknown }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }> };
}

describe('OpenAPI document (/api/docs-json)', () => {
  let gw: TestGateway;
  let doc: OpenApi;
  beforeAll(async () => {
    // Before the examples' dates, so the example notice's arrival is not in the future.
    gw = await startTestGateway({ label: 'gw_openapi', clock: new ManualClock('2026-06-01T00:00:00Z'), env: { GATEWAY_RPC_TIMEOUT_MS: '300' } });
    doc = (await gw.request('GET', '/api/docs-json')).body;
  }, 90_000);
  afterAll(() => gw?.close());

  const op = (method: string, path: string) => doc.paths[path]?.[method];
  const resolve = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema);

  /** Paths to properties without an example, following references (each component once). */
  function missingExamples(schema: Schema, at: string, seen = new Set<string>()): string[] {
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return [];
      seen.add(schema.$ref);
      return missingExamples(resolve(schema), at, seen);
    }
    if (schema.items) return missingExamples(schema.items, `${at}[]`, seen);
    if (schema.allOf) return schema.allOf.flatMap((s) => missingExamples(s, at, seen));
    return Object.entries(schema.properties ?? {}).flatMap(([name, prop]) => {
      if (prop.example !== undefined) return [];
      if (prop.$ref || prop.allOf || prop.items?.$ref) return missingExamples(prop, `${at}.${name}`, seen);
      return [`${at}.${name}`];
    });
  }

  it('given the document, when read, then it is OpenAPI 3 with exactly the routes of CONTRACT §2 (health and metrics stay out)', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(CONTRACT_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
  });

  it.each(CONTRACT_ROUTES.filter(([, , scope]) => scope))('%s %s needs %s: bearer plus the scope as an OAuth2 requirement and in x-required-scopes', (method, path, scope) => {
    const operation = op(method, path)!;
    expect(operation.security).toEqual([{ bearer: [] }, { oauth2: [scope] }]);
    expect(operation['x-required-scopes']).toEqual([scope]);
    for (const status of ['400', '401', '403', '429', '503']) {
      expect([status, Object.keys(operation.responses[status]?.content ?? {})]).toEqual([status, ['application/problem+json']]);
    }
  });

  it('given the security schemes, when read, then the OAuth2 client-credentials flow points at the token endpoint and lists every scope', () => {
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const flow = doc.components.securitySchemes['oauth2'].flows?.clientCredentials;
    expect(flow?.tokenUrl).toBe('/api/v1/auth/token');
    expect(Object.keys(flow?.scopes ?? {}).sort()).toEqual([...new Set(CONTRACT_ROUTES.map(([, , s]) => s).filter(Boolean))].sort());
    expect(op('post', '/api/v1/auth/token')!.security).toBeUndefined();
  });

  it.each(CONTRACT_ROUTES.filter(([m]) => m === 'post'))('%s %s: the request body has an example, and POSTs that create or change take Idempotency-Key', (method, path) => {
    const operation = op(method, path)!;
    const json = operation.requestBody!.content['application/json'];
    expect(json.example ?? Object.values(json.examples ?? {})[0]?.value).toEqual(expect.any(Object));
    if (path !== '/api/v1/auth/token') expect(operation.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
  });

  it.each(CONTRACT_ROUTES)('%s %s: the success response has an example for every field', (method, path) => {
    const operation = op(method, path)!;
    const [status, response] = Object.entries(operation.responses).find(([s]) => s.startsWith('2'))!;
    const schema = response.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    expect([status, missingExamples(schema!, 'body')]).toEqual([status, []]);
  });

  it.each(CONTRACT_ROUTES)('%s %s: the documented examples pass the gateway validation (no service runs, so 503; the token endpoint issues a token)', async (method, path) => {
    const operation = op(method, path)!;
    const example = (p: Parameter) => p.example ?? p.schema?.example;
    let url = path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const p of operation.parameters ?? []) {
      const value = example(p);
      if (p.in === 'path') url = url.replace(`{${p.name}}`, String(value));
      if (p.in === 'query' && value !== undefined && p.name !== 'cursor') query.set(p.name, String(value));
      if (p.in === 'header' && p.name === 'X-Purpose') headers['x-purpose'] = encodeURIComponent(String(value));
    }
    const json = operation.requestBody?.content['application/json'];
    const body = json ? (json.example ?? Object.values(json.examples ?? {})[0]?.value) : undefined;
    const token = path === '/api/v1/auth/token' ? undefined : await gw.token('admin');
    const res = await gw.request(method.toUpperCase(), `${url}${query.size ? `?${query}` : ''}`, { token, body, headers });
    expect([res.status, res.body?.errors]).toEqual([path === '/api/v1/auth/token' ? 200 : 503, undefined]);
  });
});
