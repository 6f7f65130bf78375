import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, type GetAccessLogPayload, type GetStreamPayload } from '@d06/contracts';
import { Scopes } from '../auth/scopes.decorator';
import { ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import type { GatewayRequest } from '../common/gateway-request';
import { ServiceForwarder } from '../common/service-forwarder.service';
import { ACCESS_LOG_DEFAULT_LIMIT, ACCESS_LOG_MAX_LIMIT, AccessLogEntryDto, AccessLogQuery, StreamDto, StreamParams } from './audit.dto';
import { validationProblem } from '../common/validation';

export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * CONTRACT.md §2.6 answers the access log as a plain array; the page cursor travels in headers
 * (X-Next-Cursor and an RFC 8288 Link rel="next") so the body keeps that shape.
 */
function accessLogPage(query: AccessLogQuery, limit: number) {
  return (body: unknown): { body: unknown; headers?: Record<string, string> } => {
    if (Array.isArray(body)) return { body };
    const page = body as { items?: unknown; nextCursor?: unknown } | null;
    const items = Array.isArray(page?.items) ? page.items : [];
    const next = typeof page?.nextCursor === 'string' && page.nextCursor ? page.nextCursor : undefined;
    if (!next) return { body: items };
    const link = `/api/v1/audit/access-log?personalId=${query.personalId}&limit=${limit}&cursor=${encodeURIComponent(next)}`;
    return { body: items, headers: { [NEXT_CURSOR_HEADER]: next, Link: `<${link}>; rel="next"` } };
  };
}

/** CONTRACT.md §2.6: who read a citizen's data, and the raw event streams (operators). */
@ApiTags('audit')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller('audit')
export class AuditController {
  constructor(private readonly forwarder: ServiceForwarder) {}

  @Get('access-log')
  @Scopes('audit:read')
  @ApiOperation({ summary: 'Access log of a citizen', description: `Every read of the citizen's personal data, newest first; ${ACCESS_LOG_DEFAULT_LIMIT} per page by default, at most ${ACCESS_LOG_MAX_LIMIT}. The next page's cursor is in X-Next-Cursor (and Link rel="next"); absent on the last page.` })
  @ApiOkResponse({ type: [AccessLogEntryDto], description: 'Reads of the citizen data, newest first.', headers: { [NEXT_CURSOR_HEADER]: { description: 'Cursor of the next page (absent on the last).', schema: { type: 'string' } } } })
  @ApiProblemResponses(400, 503)
  async accessLog(@Query() query: AccessLogQuery, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const limit = query.limit === undefined ? ACCESS_LOG_DEFAULT_LIMIT : Number(query.limit);
    if (limit > ACCESS_LOG_MAX_LIMIT) throw validationProblem([{ field: 'limit', message: `limit must be an integer from 1 to ${ACCESS_LOG_MAX_LIMIT}.` }]);
    const payload: GetAccessLogPayload = { personalId: query.personalId, limit, cursor: query.cursor ?? null };
    await this.forwarder.query(req, res, { service: 'identity', type: RPC.identity.getAccessLog, payload, key: query.personalId, present: accessLogPage(query, limit) });
  }

  @Get('streams/:service/:streamId')
  @Scopes('audit:read')
  @ApiOperation({ summary: 'Events of one stream, in order, with their envelopes (CONTRACT.md §3)' })
  @ApiOkResponse({ type: StreamDto, description: 'The stream events in order, envelopes included.' })
  @ApiProblemResponses(400, 404, 503)
  async stream(@Param() params: StreamParams, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: GetStreamPayload = { streamId: params.streamId };
    await this.forwarder.query(req, res, { service: params.service, type: RPC[params.service].getStream, payload, key: params.streamId });
  }
}
