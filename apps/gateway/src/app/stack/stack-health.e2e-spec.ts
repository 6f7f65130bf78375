import { startTestStack, type TestStack, eventually } from '@d06/testing';

/**
 * The running skeleton (issue 2): the four apps as separate processes on the real broker and
 * Postgres, each service with its own database, the gateway asking them over Kafka.
 */
describe('the whole stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ label: 'stack' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('given all apps running, when /health is asked, then every service is up', async () => {
    const res = await stack.http('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', services: { identity: 'up', residence: 'up', lodging: 'up' } });
  });

  it('given the services started, then each created and migrated its own database', async () => {
    for (const app of ['identity-service', 'residence-service', 'lodging-service'] as const) {
      const rows = await stack.query<{ n: number }>(app, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'events'");
      expect(rows).toEqual([{ n: 1 }]);
    }
  });

  it('given a correlation id, when any request is made, then it is echoed', async () => {
    const res = await stack.http('GET', '/health', { headers: { 'X-Correlation-Id': 'e2e-corr-1' } });
    expect(res.headers.get('x-correlation-id')).toBe('e2e-corr-1');
  });

  it('given the gateway, then /metrics is Prometheus text and /api/docs-json an OpenAPI 3 document', async () => {
    const metrics = await fetch(`${stack.gatewayUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# HELP /m);
    const docs = await stack.http('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
  });

  it('given a healthy service, when its /metrics is scraped, then its links read up and it leads its pipeline, as of that scrape', async () => {
    await stack.waitHealthy();
    const text = await (await fetch(`http://127.0.0.1:${stack.ports['identity-service']}/metrics`)).text();
    expect(text).toMatch(/^d06_link_up\{link="database"[^}]*\} 1$/m);
    expect(text).toMatch(/^d06_link_up\{link="kafka"[^}]*\} 1$/m);
    expect(text).toMatch(/^d06_pipeline_leader(\{[^}]*\})? 1$/m);
  });

  it('given a service killed, when /health is asked, then it is 503 naming that service down; after a restart it is 200 again', async () => {
    await stack.kill('lodging-service');
    const down = await eventually(
      async () => {
        const r = await stack.http('GET', '/health');
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 10_000, what: '503 after the kill' },
    );
    expect(down.body.services).toEqual({ identity: 'up', residence: 'up', lodging: 'down' });
    expect(down.headers.get('content-type')).toMatch(/application\/json/);
    await stack.restart('lodging-service');
    await stack.waitHealthy(60_000);
  }, 90_000);
});
