import { pinoHttp } from 'pino-http';
import { PlatformLogger, maskUrl } from './logging';

function capture(level = 'trace'): { logger: PlatformLogger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const http = pinoHttp({ level, name: 'test', redact: { paths: ['*.personalId'], censor: '[redacted]' } }, { write: (line: string) => void written.push(line) });
  return { logger: new PlatformLogger(http), lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
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

describe('maskUrl', () => {
  it('given a URL with a personal id in the path or the query, when masked, then neither is left', () => {
    expect(maskUrl('/api/v1/citizens/079195001234?x=1')).toBe('/api/v1/citizens/************?x=1');
    expect(maskUrl('/api/v1/audit/access-log?personalId=079195001234&limit=5')).toBe('/api/v1/audit/access-log?personalId=***&limit=5');
  });
});
