import { Global, Inject, Injectable, Module, RequestMethod, type DynamicModule, type LoggerService, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream, Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger, type Options as HttpLogOptions } from 'pino-http';

/**
 * Paths never written to a log (personal data and secrets). Request bodies are not logged at
 * all; these cover headers and anything a handler logs by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.personalId',
  '*.applicantId',
  '*.fullName',
  '*.dateOfBirth',
  '*.passportNumber',
  '*.client_secret',
  '*.clientSecret',
  '*.access_token',
  '*.token',
  '*.password',
  '*.secret',
];

/** Request URLs may carry a personal id (`/citizens/079...`): logged with the id masked. */
export function maskUrl(url: string | undefined): string | undefined {
  return url?.replace(/\b\d{12}\b/g, '************').replace(/([?&](personalId|applicantId)=)[^&]*/g, '$1***');
}

type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const HTTP_LOGGER = Symbol('HTTP_LOGGER');
const HTTP_LOG_ROUTES = Symbol('HTTP_LOG_ROUTES');

/**
 * Nest's LoggerService on the access log's pino logger: `logger.warn({ correlationId }, 'text')`
 * (pino's object-first form) and Nest's own `(message, ...params, context)` both work; the
 * context goes in a `context` field.
 *
 * Lines written while a request is handled are not bound to that request: the request's fields
 * (correlation id and the like) go in the object argument. A per-request logger would need an
 * AsyncLocalStorage, which puts a hook on every promise of the process: dropping nestjs-pino's
 * raised the gateway's throughput by ~7 % (bench/lodging, 1-guest notices).
 */
@Injectable()
export class PlatformLogger implements LoggerService {
  private readonly logger: Pino;

  constructor(@Inject(HTTP_LOGGER) http: HttpLogger) {
    this.logger = http.logger;
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(level: PinoLevel, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes the logger's context last.
    const fields: Record<string, unknown> = params.length > 0 ? { context: params[params.length - 1] } : {};
    const rest = params.slice(0, -1);
    if (message instanceof Error) {
      fields['err'] = message;
      this.logger[level](fields, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message }, ...(rest as []));
    } else if (level === 'error' && typeof message === 'string' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      // Nest's exception handlers call error(message, stack, context).
      const err = new Error(message);
      err.stack = rest[0];
      this.logger[level]({ ...fields, err });
    } else {
      this.logger[level](fields, String(message), ...(rest as []));
    }
  }
}

/**
 * The access log (pino-http, one line per request, on `forRoutes`) and PlatformLogger over the same
 * pino logger. Global, so every module can inject PlatformLogger.
 */
@Global()
@Module({})
export class PlatformLoggerModule implements NestModule {
  constructor(
    @Inject(HTTP_LOGGER) private readonly http: HttpLogger,
    @Inject(HTTP_LOG_ROUTES) private readonly routes: RouteInfo[],
  ) {}

  static forRoot(options: HttpLogOptions, destination?: DestinationStream, routes: RouteInfo[] = [{ path: '{*path}', method: RequestMethod.ALL }]): DynamicModule {
    const http = destination ? pinoHttp(options, destination) : pinoHttp(options);
    return {
      module: PlatformLoggerModule,
      providers: [{ provide: HTTP_LOGGER, useValue: http }, { provide: HTTP_LOG_ROUTES, useValue: routes }, PlatformLogger],
      exports: [PlatformLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.http).forRoutes(...this.routes);
  }
}

export function loggerModule(app: string, level: string, pretty = false): DynamicModule {
  return PlatformLoggerModule.forRoot({
    level,
    name: app,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: maskUrl(req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (req: IncomingMessage) => ({ correlationId: req.headers['x-correlation-id'] }),
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  });
}
