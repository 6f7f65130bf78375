import { Global, Inject, Injectable, Module, RequestMethod, type DynamicModule, type LoggerService, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';

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

/** What an access-log line shows of a request and its response: never headers or bodies. */
export const ACCESS_LOG_SERIALIZERS = {
  req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: maskUrl(req.url) }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/** Health checks and metrics scrapes leave no access-log line. */
export const isProbe = (req: IncomingMessage): boolean => req.url === '/health' || req.url === '/metrics';

export type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const ROOT_LOGGER = Symbol('ROOT_LOGGER');
const ACCESS_LOG = Symbol('ACCESS_LOG');
const ACCESS_LOG_ROUTES = Symbol('ACCESS_LOG_ROUTES');

export interface AccessLogOptions {
  /** Requests that leave no line (health checks, metrics scrapes). */
  ignore?: (req: IncomingMessage) => boolean;
  /** The request's `id` (`req.id`, in the line's `req`); a counter by default. */
  genReqId?: (req: IncomingMessage) => string;
  /** Extra fields of the line. */
  customProps?: (req: IncomingMessage) => Record<string, unknown>;
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * One line per request when it finishes, in pino-http's shape (`req` and `res` through the
 * logger's serializers, `responseTime` in ms, "request completed" / "request errored" /
 * "request aborted"), written only when its level is enabled. pino-http built a child logger
 * for every request, serializing and redacting the request up front, even at a level that would
 * never write its line: ~6 % of the gateway's CPU at warn.
 */
export function accessLogMiddleware(logger: Pino, options: AccessLogOptions = {}): Middleware {
  let counter = 0;
  return (req, res, next) => {
    if (options.ignore?.(req)) return next();
    const started = Date.now();
    const withId = req as IncomingMessage & { id?: unknown };
    withId.id ??= options.genReqId ? options.genReqId(req) : ++counter;
    const write = (aborted: boolean): void => {
      const err = (res as ServerResponse & { err?: Error }).err;
      const failed = err !== undefined || res.statusCode >= 500;
      // `error` for a 5xx or an error, `warn` for a client gone before its answer, `info` otherwise.
      const level = aborted ? 'warn' : failed ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const fields: Record<string, unknown> = { ...options.customProps?.(req), req, res, responseTime: Date.now() - started };
      if (err) fields['err'] = err;
      logger[level](fields, aborted ? 'request aborted' : failed ? 'request errored' : 'request completed');
    };
    // Whichever comes first: 'finish' when the answer is out, 'close' when the connection went
    // before it was (then end() was never called).
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      write(!res.writableEnded);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}

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
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Pino) {}

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
 * The access log (accessLogMiddleware, on `routes`) and PlatformLogger over one pino logger.
 * Global, so every module can inject PlatformLogger.
 */
@Global()
@Module({})
export class PlatformLoggerModule implements NestModule {
  constructor(
    @Inject(ACCESS_LOG) private readonly accessLog: Middleware,
    @Inject(ACCESS_LOG_ROUTES) private readonly routes: RouteInfo[],
  ) {}

  static forRoot(
    options: { logger: LoggerOptions; accessLog: AccessLogOptions },
    destination?: DestinationStream,
    routes: RouteInfo[] = [{ path: '{*path}', method: RequestMethod.ALL }],
  ): DynamicModule {
    const logger = destination ? pino(options.logger, destination) : pino(options.logger);
    return {
      module: PlatformLoggerModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: ACCESS_LOG, useValue: accessLogMiddleware(logger, options.accessLog) },
        { provide: ACCESS_LOG_ROUTES, useValue: routes },
        PlatformLogger,
      ],
      exports: [PlatformLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.accessLog).forRoutes(...this.routes);
  }
}

export function loggerModule(app: string, level: string, pretty = false): DynamicModule {
  return PlatformLoggerModule.forRoot({
    logger: {
      level,
      name: app,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: ACCESS_LOG_SERIALIZERS,
      ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
    },
    accessLog: {
      ignore: isProbe,
      customProps: (req: IncomingMessage) => ({ correlationId: req.headers['x-correlation-id'] }),
    },
  });
}
