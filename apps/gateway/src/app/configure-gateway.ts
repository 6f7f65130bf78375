import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { json, urlencoded } from 'express';
import type { GatewayConfig } from './gateway-config';
import { correlationIdMiddleware } from './common/correlation-id.middleware';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '1mb';

/** HTTP concerns set before listening: body limits, headers, prefix, OpenAPI. */
export function configureGateway(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // Correlation ids first, so even body-parser errors carry one.
  express.use(correlationIdMiddleware);
  express.use(helmet());
  express.use(json({ limit: BODY_LIMIT }));
  express.use(urlencoded({ extended: false, limit: BODY_LIMIT }));
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['X-Correlation-Id', 'Retry-After'] });
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
      .setDescription('Identity, residence registration and lodging notices for the National Public Service Portal and partner agencies (CONTRACT.md).')
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
