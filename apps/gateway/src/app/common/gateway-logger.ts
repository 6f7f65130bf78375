import type { DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';
import { ACCESS_LOG_SERIALIZERS, PlatformLoggerModule, REDACTED_PATHS, isProbe } from '@d06/platform';
import { CORRELATION_HEADER } from './correlation-id.middleware';

/**
 * The platform's redaction list plus what only the gateway handles: addresses, stated purposes,
 * guest lists and the token endpoint's form fields. Request bodies are never logged at all; these
 * paths catch a handler that logs an object by mistake.
 */
export const GATEWAY_REDACTED_PATHS = [
  ...REDACTED_PATHS,
  'req.headers["x-purpose"]',
  'req.headers["proxy-authorization"]',
  '*.permanentAddress',
  '*.temporaryAddress',
  '*.address',
  '*.dateOfDeath',
  '*.guests',
  '*.purpose',
  '*.client_assertion',
  '*.refresh_token',
  '*.authorization',
];

/**
 * The platform logger (loggerModule of @d06/platform) with the gateway's redaction list and an
 * optional destination, so a test can capture exactly what the gateway writes.
 */
export function gatewayLoggerModule(level: string, destination?: DestinationStream): DynamicModule {
  return PlatformLoggerModule.forRoot(
    {
      logger: { level, name: 'gateway', redact: { paths: GATEWAY_REDACTED_PATHS, censor: '[redacted]' }, serializers: ACCESS_LOG_SERIALIZERS },
      accessLog: {
        ignore: isProbe,
        // The line's request id is the request's correlation id (set by correlationIdMiddleware,
        // which runs first).
        genReqId: (req: IncomingMessage) => {
          const id = req.headers[CORRELATION_HEADER];
          return typeof id === 'string' ? id : randomUUID();
        },
      },
    },
    destination,
  );
}
