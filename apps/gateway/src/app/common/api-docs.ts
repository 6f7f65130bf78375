import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, titleOf } from './problem';

export class FieldErrorDto {
  @ApiProperty({ example: 'personalId' })
  field!: string;
  @ApiProperty({ example: 'Personal ID must be exactly 12 ASCII digits.' })
  message!: string;
}

/** RFC 9457 problem details (the body of every error). */
export class ProblemDto {
  @ApiProperty({ example: 'https://d06.gov.vn/problems/validation-failed', description: 'Names the kind of problem; stable.' })
  type!: string;
  @ApiProperty({ example: 'Bad Request' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The request has invalid fields.' })
  detail!: string;
  @ApiPropertyOptional({ example: '/api/v1/citizens' })
  instance?: string;
  @ApiPropertyOptional({ example: 'VALIDATION_FAILED', description: 'Machine-readable error code.' })
  code?: string;
  @ApiPropertyOptional({ example: '6f1c1f1e-3c1d-4c43-9b7e-0c5d1d6b2a10' })
  correlationId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field errors of a validation failure.' })
  errors?: FieldErrorDto[];
}

const WHEN: Record<number, { code: string; description: string }> = {
  400: { code: 'VALIDATION_FAILED', description: 'Malformed JSON or a field that breaks its format (`errors` lists them).' },
  401: { code: 'UNAUTHORIZED', description: 'No, invalid or expired access token.' },
  403: { code: 'INSUFFICIENT_SCOPE', description: 'The token lacks the scope of this operation.' },
  404: { code: 'NOT_FOUND', description: 'Unknown resource.' },
  409: { code: 'CONFLICT', description: 'Conflict with the current state (duplicate, already decided, concurrent change), or the same Idempotency-Key is still in flight.' },
  413: { code: 'PAYLOAD_TOO_LARGE', description: 'Body over 1 MiB.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', description: 'The body is not JSON.' },
  422: { code: 'BUSINESS_RULE', description: 'A business rule refuses it, or the Idempotency-Key was used with a different body.' },
  429: { code: 'RATE_LIMITED', description: 'Rate limited; see Retry-After.' },
  503: { code: 'SERVICE_UNAVAILABLE', description: 'A back-end service did not answer in time; see Retry-After.' },
};

/** Documents error responses as application/problem+json with an example each. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => {
      const when = WHEN[status] ?? { code: 'ERROR', description: titleOf(status) };
      return ApiResponse({
        status,
        description: when.description,
        ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } } : {}),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: { $ref: getSchemaPath(ProblemDto) },
            example: {
              type: `https://d06.gov.vn/problems/${when.code.toLowerCase().replace(/_/g, '-')}`,
              title: titleOf(status),
              status,
              detail: when.description,
              code: when.code,
            },
          },
        },
      });
    }),
  );
}

/** Documents the Idempotency-Key header of a POST (CONTRACT.md §2). */
export function ApiIdempotencyKey(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '1-255 visible ASCII characters. The same client + key + body within 24 h returns the first response again ' +
        '(same status and body, header `Idempotent-Replayed: true`) and creates nothing new; the same key with a different body is 422; ' +
        'while the first request is still in flight, 409. A 5xx outcome releases the key.',
      schema: { type: 'string', minLength: 1, maxLength: 255, example: '2b0f7a6e-portal-req-0001' },
    }),
    ApiProblemResponses(409, 422),
  );
}

export const CORRELATION_HEADER_DOC = {
  name: 'X-Correlation-Id',
  required: false,
  description: 'Echoed on the response and carried into every event the request causes; generated when absent.',
};
