import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { ACCESS_LOG_SERIALIZERS, PlatformLogger, accessLogMiddleware, isProbe, maskUrl, type AccessLogOptions } from './logging';

function pinoCapture(level: string): { pino: Logger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const logger = pino({ level, name: 'test', redact: { paths: ['*.personalId'], censor: '[redacted]' }, serializers: ACCESS_LOG_SERIALIZERS }, { write: (line: string) => void written.push(line) });
  return { pino: logger, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function capture(level = 'trace'): { logger: PlatformLogger; lines: () => Record<string, unknown>[] } {
  const { pino, lines } = pinoCapture(level);
  return { logger: new PlatformLogger(pino), lines };
}

/** A loopback server behind the access log; each request answers `status` (or hangs up on /abort). */
async function served(level: string, options: AccessLogOptions, requests: { path: string; status: number }[]): Promise<Record<string, unknown>[]> {
  const { pino, lines } = pinoCapture(level);
  const log = accessLogMiddleware(pino, options);
  const server = createServer((req: IncomingMessage, res: ServerResponse) =>
    log(req, res, () => {
      if (req.url === '/abort') {
        req.socket.destroy();
        return;
      }
      res.statusCode = Number(req.headers['x-status'] ?? 200);
      res.end('{}');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    for (const r of requests) {
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: r.path, headers: { 'x-status': String(r.status) }, agent: false }, (res) => res.resume().on('end', resolve));
        req.on('error', () => resolve());
        req.end();
      });
    }
    // 'close' of an aborted response comes a moment after the client saw the socket go.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return lines();
}

describe('PlatformLogger: Nest log calls on pino', () => {
  it("given Nest's form (message, context), when logged, then the line has the message, its level and the context", () => {
    const { logger, lines } = capture();
    logger.log('listening', 'RpcServer');
    logger.warn('slow', 'Relay');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, msg: 'listening', context: 'RpcServer', name: 'test' }),
      expect.objectContaining({ level: 40, msg: 'slow', context: 'Relay' }),
    ]);
  });

  it("given pino's form (fields, message, context), when logged, then the fields are on the line and redaction applies", () => {
    const { logger, lines } = capture();
    logger.error({ correlationId: 'c-1', guest: { personalId: '079195001234' } }, 'request handler failed', 'RpcDispatcher');
    const [line] = lines();
    expect(line).toMatchObject({ level: 50, msg: 'request handler failed', context: 'RpcDispatcher', correlationId: 'c-1', guest: { personalId: '[redacted]' } });
  });

  it("given an Error, or Nest's exception handler form (message, stack, context), when logged, then the line carries err with its stack", () => {
    const { logger, lines } = capture();
    logger.error(new Error('boom'), 'Main');
    logger.error('Unhandled', 'Error: Unhandled\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
    const [first, second] = lines() as { err: { message: string; stack: string }; context: string }[];
    expect(first.err.message).toBe('boom');
    expect(first.context).toBe('Main');
    expect(second.err).toMatchObject({ message: 'Unhandled', stack: expect.stringContaining('at somewhere') });
    expect(second.context).toBe('ExceptionsHandler');
  });

  it('given level warn, when info and debug are logged, then nothing is written', () => {
    const { logger, lines } = capture('warn');
    logger.log('quiet');
    logger.debug('quieter');
    logger.verbose('quietest');
    expect(lines()).toEqual([]);
  });
});

describe('accessLogMiddleware: one line per request, pino-http style', () => {
  it('given requests at info, when they finish, then each leaves a line with its request, status and time; probes none', async () => {
    const lines = await served('info', { ignore: isProbe, customProps: () => ({ correlationId: 'c-7' }) }, [
      { path: '/api/v1/citizens/079195001234', status: 200 },
      { path: '/health', status: 200 },
      { path: '/api/v1/residence/dossiers', status: 503 },
    ]);
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'request completed', correlationId: 'c-7', req: { id: 1, method: 'GET', url: '/api/v1/citizens/************' }, res: { statusCode: 200 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 50, msg: 'request errored', res: { statusCode: 503 } }),
    ]);
  });

  it('given level warn, when a 2xx and a 5xx finish, then only the 5xx is written, with the id genReqId gave', async () => {
    const lines = await served('warn', { genReqId: () => 'corr-1' }, [
      { path: '/a', status: 201 },
      { path: '/b', status: 500 },
    ]);
    expect(lines).toEqual([expect.objectContaining({ level: 50, req: expect.objectContaining({ id: 'corr-1', url: '/b' }) })]);
  });

  it('given a client that hangs up before the answer, when the response closes, then the line says aborted at warn', async () => {
    const lines = await served('info', {}, [{ path: '/abort', status: 200 }]);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'request aborted' })]);
  });
});

describe('maskUrl', () => {
  it('given a URL with a personal id in the path or the query, when masked, then neither is left', () => {
    expect(maskUrl('/api/v1/citizens/079195001234?x=1')).toBe('/api/v1/citizens/************?x=1');
    expect(maskUrl('/api/v1/audit/access-log?personalId=079195001234&limit=5')).toBe('/api/v1/audit/access-log?personalId=***&limit=5');
  });
});
