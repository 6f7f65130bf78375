import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

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

export function loggerModule(app: string, level: string, pretty = false): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
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
    },
  });
}
