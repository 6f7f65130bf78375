import { REGISTER_CITIZEN_EXAMPLE } from './identity/identity.dto';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/**
 * Every status of CONTRACT.md §2 the gateway produces by itself, through real HTTP requests,
 * with no service running on the gateway's topic prefix.
 */
describe('gateway HTTP edge (no services)', () => {
  let gw: TestGateway;
  let officer: string;
  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_http', env: { GATEWAY_RPC_TIMEOUT_MS: '800' } });
    officer = await gw.token('officer');
  }, 90_000);
  afterAll(() => gw?.close());

  const expectProblem = (res: { status: number; headers: Headers; body: Record<string, unknown> }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status, detail: expect.any(String) });
  };

  describe('400', () => {
    it('given malformed JSON, when posted, then 400 problem MALFORMED_JSON', async () => {
      const res = await gw.request('POST', 'citizens', { token: officer, body: '{"personalId": "0010', headers: { 'content-type': 'application/json' } });
      expectProblem(res, 400);
      expect(res.body.code).toBe('MALFORMED_JSON');
    });

    it('given a field that breaks its format, when posted, then 400 with errors [{field, message}] and no service is asked', async () => {
      const res = await gw.request('POST', 'citizens', { token: officer, body: { ...REGISTER_CITIZEN_EXAMPLE, personalId: '00109001234X' } });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual([{ field: 'personalId', message: 'Personal ID must be exactly 12 ASCII digits.' }]);
    });

    it('given a body that is a JSON array, prototype keys or too deep, when posted, then 400', async () => {
      for (const body of ['[1,2]', '{"__proto__": {"admin": true}}', `{"a":${'['.repeat(40)}${']'.repeat(40)}}`]) {
        const res = await gw.request('POST', 'citizens', { token: officer, body, headers: { 'content-type': 'application/json' } });
        expectProblem(res, 400);
      }
    });

    it('given a malformed path parameter or query, when requested, then 400 with the field named', async () => {
      const bad = await gw.request('GET', 'citizens/12345', { token: officer });
      expectProblem(bad, 400);
      expect(bad.body.errors[0].field).toBe('personalId');
      const dossier = await gw.request('GET', 'residence/dossiers/not-a-uuid', { token: await gw.token('portal') });
      expect(dossier.body.errors[0].field).toBe('dossierId');
      const stats = await gw.request('GET', 'residence/stats?wardCode=00004&from=2026-03-01&to=2026-02-01', { token: officer });
      expect(stats.body.errors).toEqual([{ field: 'from', message: 'from must be on or before to.' }]);
    });

    it('given a body that claims a compression it does not have, when posted, then 400; an unknown encoding is 415', async () => {
      for (const encoding of ['gzip', 'br', 'deflate']) {
        expectProblem(await gw.request('POST', 'citizens', { token: officer, body: 'not compressed', headers: { 'content-type': 'application/json', 'content-encoding': encoding } }), 400);
      }
      expectProblem(await gw.request('POST', 'citizens', { token: officer, body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' } }), 415);
    });

    it('given a malformed percent-escape in the path, when requested, then 400 problem', async () => {
      expectProblem(await gw.request('GET', 'citizens/%E0%A4%A', { token: officer }), 400);
    });
  });

  describe('401', () => {
    it('given no token, when a protected route is called, then 401 with a Bearer challenge', async () => {
      const res = await gw.request('GET', 'citizens/001090012345');
      expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="d06"');
    });

    it('given a malformed, forged, foreign or expired token, when a protected route is called, then 401 invalid_token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, string][] = [
        ['Bearer not.a.jwt', 'The access token is not valid.'],
        ['Basic b2ZmaWNlcjpvZmZpY2VyLWxvY2FsLXNlY3JldA==', 'The Authorization header must be "Bearer <access token>".'],
        [`Bearer ${await gw.forgeToken({ sub: 'officer', scope: 'identity:read' }, 'another-key-of-at-least-32-characters!!')}`, 'The access token is not valid.'],
        [`Bearer ${await gw.forgeToken({ sub: 'officer', scope: 'identity:read', aud: 'someone-else' })}`, 'The access token is not valid.'],
        [`Bearer ${await gw.forgeToken({ sub: 'officer', scope: 'identity:read', iat: now - 1000, exp: now - 60 })}`, 'The access token has expired.'],
        [`Bearer ${await gw.forgeToken({ sub: 'mallory', scope: 'identity:read' })}`, 'The access token names an unknown client.'],
      ];
      for (const [authorization, detail] of cases) {
        const res = await gw.request('GET', 'citizens/001090012345', { headers: { authorization } });
        expectProblem(res, 401);
        expect(res.body.detail).toBe(detail);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="d06", error="invalid_token"/);
      }
    });

    it('given wrong client credentials, when a token is asked, then 401 invalid_client', async () => {
      for (const body of [
        { grant_type: 'client_credentials', client_id: 'officer', client_secret: 'guess' },
        { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'nobody-local-secret' },
        { grant_type: 'client_credentials' },
      ]) {
        const res = await gw.request('POST', 'auth/token', { body });
        expectProblem(res, 401);
        expect(res.body.error).toBe('invalid_client');
      }
    });
  });

  describe('403', () => {
    it('given a token without the route scope, when called, then 403 naming the scope', async () => {
      const portal = await gw.token('portal');
      const res = await gw.request('POST', 'citizens', { token: portal, body: REGISTER_CITIZEN_EXAMPLE });
      expectProblem(res, 403);
      expect(res.body.detail).toMatch(/identity:write/);
      expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="identity:write"/);
    });

    it('given a token asked with fewer scopes, when a route of a dropped scope is called, then 403', async () => {
      const narrow = await gw.token('officer', 'identity:read');
      expectProblem(await gw.request('POST', 'citizens', { token: narrow, body: REGISTER_CITIZEN_EXAMPLE }), 403);
    });
  });

  describe('404', () => {
    it('given an unknown route, when requested (with or without a token), then 404 problem', async () => {
      expectProblem(await gw.request('GET', 'no-such-thing', { token: officer }), 404);
      expectProblem(await gw.request('DELETE', 'citizens/001090012345', { token: officer }), 404);
      expectProblem(await gw.request('GET', '/api/v2/citizens'), 404);
    });
  });

  describe('413 and 415', () => {
    it('given a body over 1 MiB, when posted, then 413 problem', async () => {
      const body = JSON.stringify({ ...REGISTER_CITIZEN_EXAMPLE, fullName: 'x'.repeat(1024 * 1024) });
      const res = await gw.request('POST', 'citizens', { token: officer, body, headers: { 'content-type': 'application/json' } });
      expectProblem(res, 413);
    });

    it('given a body that is not JSON, when posted to a domain route, then 415 problem', async () => {
      const res = await gw.request('POST', 'citizens', { token: officer, body: 'personalId=001090012345', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectProblem(res, 415);
      expectProblem(await gw.request('POST', 'citizens', { token: officer, body: 'hello', headers: { 'content-type': 'text/plain' } }), 415);
    });
  });

  describe('503', () => {
    it('given no service on the topic prefix, when a route is called, then 503 problem with Retry-After after the RPC timeout', async () => {
      const started = Date.now();
      const res = await gw.request('GET', 'citizens/001090012345', { token: officer });
      expectProblem(res, 503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.detail).toMatch(/identity service is not reachable or did not answer/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    });

    it('given no service, when GET /health (no token), then 503 with every service down', async () => {
      const res = await gw.request('GET', '/health');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'degraded', services: { identity: 'down', residence: 'down', lodging: 'down' } });
    });
  });

  describe('headers, docs, metrics', () => {
    it('given an X-Correlation-Id, when called, then it is echoed; without one, one is made', async () => {
      const given = await gw.request('GET', 'no-such-thing', { headers: { 'x-correlation-id': 'trace-abc-123' } });
      expect(given.headers.get('x-correlation-id')).toBe('trace-abc-123');
      expect(given.body.correlationId).toBe('trace-abc-123');
      const made = await gw.request('GET', 'no-such-thing');
      expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('given any answer, when inspected, then helmet security headers are set and no CORS header unless configured', async () => {
      const res = await gw.request('GET', 'no-such-thing', { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age/);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('given earlier requests, when GET /metrics (no token), then request counts and latencies by route template and status are there', async () => {
      const res = await gw.request('GET', '/metrics');
      expect(res.status).toBe(200);
      const lines = res.text.split('\n');
      // Label order is prom-client's business: look for a sample line holding every label.
      const sample = (metric: string, labels: Record<string, string>) =>
        lines.find((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      expect(sample('http_requests_total', { method: 'GET', route: '/api/v1/citizens/:personalId', status: '401', app: 'gateway' })).toMatch(/ \d+$/);
      expect(sample('http_request_duration_seconds_bucket', { le: '0.005', method: 'POST', route: '/api/v1/auth/token', status: '200' })).toBeDefined();
      expect(sample('http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeDefined();
      expect(res.text).not.toMatch(/001090012345/);
    });

    it('given no token, when the OpenAPI UI and document are asked, then they are served', async () => {
      expect((await gw.request('GET', '/api/docs')).status).toBe(200);
      expect((await gw.request('GET', '/api/docs-json')).body.openapi).toMatch(/^3\./);
    });
  });
});

describe('gateway rate limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ label: 'gw_rate', env: { GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '8', GATEWAY_RPC_TIMEOUT_MS: '500' } });
  }, 90_000);
  afterAll(() => gw?.close());

  it('given a client limited to 3 requests a minute, when it sends a 4th, then 429 problem with Retry-After; other clients are not affected', async () => {
    const throttled = await gw.token('throttled');
    // A malformed id answers 400 without asking a service: cheap requests that still spend the budget.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await gw.request('GET', 'citizens/12', { token: throttled })).status);
    const limited = await gw.request('GET', 'citizens/12', { token: throttled });
    expect(statuses).toEqual([400, 400, 400]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect((await gw.request('GET', 'citizens/12', { token: await gw.token('officer') })).status).toBe(400);
  });

  it('given anonymous callers of one IP (token endpoint, bad tokens), when over the anonymous limit, then 429', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) seen.push((await gw.request('GET', 'citizens/001090012345', { headers: { authorization: 'Bearer nope' } })).status);
    expect(seen).toContain(429);
    expect(seen.filter((s) => s === 401).length).toBeLessThanOrEqual(8);
    const token = await gw.request('POST', 'auth/token', { body: { grant_type: 'client_credentials', client_id: 'portal', client_secret: 'portal-local-secret' } });
    expect(token.status).toBe(429);
  });
});
