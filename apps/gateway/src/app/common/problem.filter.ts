import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ServiceUnavailableError } from '@d06/platform';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from './problem';
import { correlationIdOf } from './correlation-id.middleware';

/** Thrown by controllers to answer with a given problem (service refusals, validation). */
export class ProblemException extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Every error leaves as application/problem+json (RFC 9457): Nest's own 404, body-parser's
 * malformed JSON (400) and oversize bodies (413), service timeouts (503 with Retry-After), and
 * anything unexpected as a bare 500 without internals.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { body, headers } = this.toProblem(exception);
    body.instance = req.originalUrl?.split('?')[0];
    body.correlationId = correlationIdOf(req);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): { body: Problem; headers: Record<string, string> } {
    if (exception instanceof ProblemException) return { body: { ...exception.problem }, headers: exception.headers };
    if (exception instanceof ServiceUnavailableError) {
      return { body: problem(503, 'SERVICE_UNAVAILABLE', exception.message), headers: { 'Retry-After': '5' } };
    }
    const bp = exception as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string' && typeof bp.status === 'number') {
      if (bp.type === 'entity.too.large') return { body: problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.'), headers: {} };
      if (bp.type === 'entity.parse.failed') return { body: problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'), headers: {} };
      if (bp.status >= 400 && bp.status < 500) return { body: problem(bp.status, 'BAD_REQUEST_BODY', 'The request body could not be read.'), headers: {} };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      const detail = Array.isArray(message) ? message.join('; ') : String(message);
      const code = status === HttpStatus.NOT_FOUND ? 'NOT_FOUND' : HttpStatus[status] ?? 'ERROR';
      const retryAfter = status === 429 ? { 'Retry-After': '1' } : {};
      return { body: problem(status, String(code), status === 404 && /^Cannot /.test(detail) ? 'No such route.' : detail), headers: retryAfter };
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return { body: problem(500, 'INTERNAL_ERROR', 'The request could not be completed.'), headers: {} };
  }
}
