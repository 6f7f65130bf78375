import { ArgumentsHost, BadRequestException, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ServiceUnavailableError } from '@d06/platform';
import { PROBLEM_CONTENT_TYPE, ProblemException, problem, type Problem } from './problem';
import { correlationIdOf } from './correlation-id.middleware';
import { bodyParserProblem } from './body-guard.middleware';

/** Seconds a client should wait after a 503 before retrying. */
export const SERVICE_RETRY_AFTER_SECONDS = 5;

/** The problem as sent for this request: with the path it concerns and the correlation id. */
export function problemForRequest(body: Problem, req: Request): Problem {
  return { ...body, instance: req.originalUrl?.split('?')[0], correlationId: correlationIdOf(req) };
}

/**
 * Every error leaves as application/problem+json (RFC 9457): Nest's own 404, body-parser's
 * malformed JSON (400) and oversize bodies (413), service timeouts (503 with Retry-After), rate
 * limits (429 with Retry-After), and anything unexpected as a bare 500 without internals.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { body, headers } = this.toProblem(exception, req);
    if (res.headersSent) {
      // The answer is already on its way; all that is left is to stop it cleanly.
      res.end();
      return;
    }
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemForRequest(body, req)));
  }

  private toProblem(exception: unknown, req: Request): { body: Problem; headers: Record<string, string> } {
    if (exception instanceof ProblemException) return { body: { ...exception.problem }, headers: exception.headers };
    if (exception instanceof ServiceUnavailableError) {
      return {
        body: problem(503, 'SERVICE_UNAVAILABLE', `The ${exception.service} service is not reachable or did not answer in time; retry later.`),
        headers: { 'Retry-After': String(SERVICE_RETRY_AFTER_SECONDS) },
      };
    }
    const fromBodyParser = bodyParserProblem(exception);
    if (fromBodyParser) return { body: { ...fromBodyParser.problem }, headers: {} };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      const detail = Array.isArray(message) ? message.join('; ') : String(message);
      const retryAfter: Record<string, string> = status === 429 ? { 'Retry-After': '1' } : {};
      if (status === HttpStatus.NOT_FOUND && /^Cannot /.test(detail)) return { body: problem(404, 'NOT_FOUND', 'No such route.'), headers: {} };
      // Nest maps the SyntaxError of a malformed JSON body and the URIError of a malformed %-escape in the path to a bare 400 with their message.
      if (status === HttpStatus.BAD_REQUEST && exception.constructor === BadRequestException) {
        return { body: /JSON/i.test(detail) ? problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.') : problem(400, 'MALFORMED_REQUEST', 'The request URL or body could not be read.'), headers: {} };
      }
      const code = HttpStatus[status] ?? 'ERROR';
      return { body: problem(status, String(code), detail), headers: retryAfter };
    }
    this.logger.error({ err: exception, correlationId: correlationIdOf(req) }, 'unhandled error');
    return { body: problem(500, 'INTERNAL_ERROR', 'The request could not be completed.'), headers: {} };
  }
}
