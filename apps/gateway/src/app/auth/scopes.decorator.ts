import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiOAuth2 } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/api-docs';
import type { Scope } from './scopes';

export const SCOPES_METADATA = 'd06:scopes';
export const PUBLIC_METADATA = 'd06:public';

/** The OpenAPI security schemes the gateway declares (configure-gateway.ts). */
export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';

/**
 * The scopes a route needs (all of them). Also documents the route as bearer-protected with
 * its scopes as an OAuth2 security requirement and in `x-required-scopes`.
 */
export function Scopes(...scopes: Scope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(SCOPES_METADATA, scopes),
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2(scopes, OAUTH2_SCHEME),
    ApiExtension('x-required-scopes', scopes),
    ApiProblemResponses(401, 403, 429),
  );
}

/** A route that needs no token (token endpoint, health, metrics). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_METADATA, true);
