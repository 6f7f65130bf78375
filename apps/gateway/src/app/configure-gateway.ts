import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, urlencoded } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@d06/platform';
import type { GatewayConfig } from './gateway-config';
import { admissionMiddleware } from './common/admission.middleware';
import { correlationIdMiddleware } from './common/correlation-id.middleware';
import { httpMetricsMiddleware } from './common/http-metrics.middleware';
import { bodyGuard, bodyParserErrors } from './common/body-guard.middleware';
import { securityHeadersMiddleware } from './common/security-headers.middleware';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './auth/scopes.decorator';
import { SCOPE_DESCRIPTIONS } from './auth/scopes';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '1mb';
export const TOKEN_PATH = `/${API_PREFIX}/auth/token`;

/** HTTP concerns set before listening: body limits, headers, prefix, OpenAPI. */
export function configureGateway(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  if (config.trustProxy !== false) express.set('trust proxy', config.trustProxy);
  // Correlation ids first, so even body-parser errors carry one.
  express.use(correlationIdMiddleware);
  express.use(httpMetricsMiddleware(app.get<Registry>(METRICS_REGISTRY)));
  express.use(securityHeadersMiddleware());
  // Before the body is read: an overloaded gateway refuses at once, for the least work.
  express.use(admissionMiddleware(config.maxInFlight, app.get<Registry>(METRICS_REGISTRY)));
  express.use(json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  express.use(urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }));
  express.use(bodyParserErrors);
  express.use(bodyGuard([TOKEN_PATH]));
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['X-Correlation-Id', 'Retry-After', 'Idempotent-Replayed', 'X-Next-Cursor', 'Link'] });
  }
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('d06 public API')
      .setDescription(
        'Identity, residence registration and lodging notices for the National Public Service Portal and partner agencies (CONTRACT.md). ' +
          'Every error is application/problem+json (RFC 9457). Get a token with POST /api/v1/auth/token (OAuth 2.0 client credentials); ' +
          'each operation lists its scope under `x-required-scopes` and as an oauth2 security requirement.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .addOAuth2({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: TOKEN_PATH, scopes: SCOPE_DESCRIPTIONS } } }, OAUTH2_SCHEME)
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
