import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, type GuestInput, type RecordDeparturePayload, type RegisterEstablishmentPayload, type StatsQuery as StatsPayload, type SubmitNoticePayload } from '@d06/contracts';
import { CLOCK, type Clock } from '@d06/platform';
import { Scopes } from '../auth/scopes.decorator';
import { ApiIdempotencyKey, ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import type { GatewayRequest } from '../common/gateway-request';
import { ServiceForwarder } from '../common/service-forwarder.service';
import { StatsQuery } from '../common/stats-query.dto';
import { validationProblem } from '../common/validation';
import {
  CurrentGuestsDto,
  DepartureDto,
  EstablishmentDto,
  EstablishmentIdParams,
  GuestDto,
  LodgingStatsDto,
  NoticeDto,
  NoticeIdParams,
  REGISTER_ESTABLISHMENT_EXAMPLE,
  RecordDepartureDto,
  RegisterEstablishmentDto,
  SUBMIT_NOTICE_EXAMPLE,
  SubmitNoticeDto,
} from './lodging.dto';

/** CONTRACT.md §2.5: an arrival more than this far in the future is refused. */
const MAX_ARRIVAL_AHEAD_MS = 3_600_000;

function guestInput(guest: GuestDto): GuestInput {
  if (guest.passportNumber !== undefined) {
    return { passportNumber: guest.passportNumber, nationality: guest.nationality ?? '', fullName: guest.fullName ?? '', dateOfBirth: guest.dateOfBirth ?? '' };
  }
  return {
    personalId: guest.personalId ?? '',
    ...(guest.fullName !== undefined ? { fullName: guest.fullName } : {}),
    ...(guest.dateOfBirth !== undefined ? { dateOfBirth: guest.dateOfBirth } : {}),
  };
}

/** CONTRACT.md §2.5: establishments and lodging notices (lodging service). */
@ApiTags('lodging')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller('lodging')
export class LodgingController {
  constructor(
    private readonly forwarder: ServiceForwarder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('establishments')
  @Scopes('lodging:submit')
  @ApiOperation({ summary: 'Register an accommodation establishment' })
  @ApiBody({ type: RegisterEstablishmentDto, examples: { hotel: { value: REGISTER_ESTABLISHMENT_EXAMPLE } } })
  @ApiCreatedResponse({ type: EstablishmentDto, description: 'The registered establishment.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 503)
  async registerEstablishment(@Body() dto: RegisterEstablishmentDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: RegisterEstablishmentPayload = { name: dto.name, kind: dto.kind, address: dto.address };
    await this.forwarder.command(req, res, { service: 'lodging', type: RPC.lodging.registerEstablishment, payload });
  }

  @Post('notices')
  @Scopes('lodging:submit')
  @ApiOperation({ summary: 'Submit a lodging notice', description: '1-200 guests. A Vietnamese guest unknown or deceased is accepted with verified: false.' })
  @ApiBody({ type: SubmitNoticeDto, examples: { notice: { value: SUBMIT_NOTICE_EXAMPLE } } })
  @ApiCreatedResponse({ type: NoticeDto, description: 'The notice with each guest deadline and verification flag.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 503)
  async submitNotice(@Body() dto: SubmitNoticeDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    if (Date.parse(dto.arrivalAt) > this.clock.now().getTime() + MAX_ARRIVAL_AHEAD_MS) {
      throw validationProblem([{ field: 'arrivalAt', message: 'arrivalAt must not be more than 1 hour in the future.' }]);
    }
    const payload: SubmitNoticePayload = {
      establishmentId: dto.establishmentId,
      arrivalAt: dto.arrivalAt,
      expectedDepartureAt: dto.expectedDepartureAt ?? null,
      room: dto.room ?? null,
      guests: dto.guests.map(guestInput),
    };
    // No ordering key: a notice is a new stream of its own, and keying by establishment made the
    // service handle one establishment's notices one after the other (a busy hotel's queue).
    await this.forwarder.command(req, res, { service: 'lodging', type: RPC.lodging.submitNotice, payload });
  }

  @Post('notices/:noticeId/departure')
  @Scopes('lodging:submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the departure of a notice guests', description: 'Already departed -> 409.' })
  @ApiBody({ type: RecordDepartureDto, examples: { departure: { value: { departedAt: '2026-03-05T11:20:00+07:00' } } } })
  @ApiOkResponse({ type: DepartureDto, description: 'The departure as recorded.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 404, 503)
  async recordDeparture(@Param() params: NoticeIdParams, @Body() dto: RecordDepartureDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: RecordDeparturePayload = { noticeId: params.noticeId, departedAt: dto.departedAt };
    await this.forwarder.command(req, res, { service: 'lodging', type: RPC.lodging.recordDeparture, payload, key: params.noticeId });
  }

  @Get('establishments/:establishmentId/guests')
  @Scopes('lodging:read')
  @ApiOperation({ summary: 'Guests currently staying at an establishment' })
  @ApiOkResponse({ type: CurrentGuestsDto, description: 'The guests currently staying.' })
  @ApiProblemResponses(400, 404, 503)
  async currentGuests(@Param() params: EstablishmentIdParams, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    await this.forwarder.query(req, res, { service: 'lodging', type: RPC.lodging.getCurrentGuests, payload: { establishmentId: params.establishmentId }, key: params.establishmentId });
  }

  @Get('stats')
  @Scopes('lodging:read')
  @ApiOperation({ summary: 'Lodging statistics of a ward over local arrival dates [from, to]' })
  @ApiOkResponse({ type: LodgingStatsDto, description: 'Counts for the ward and range.' })
  @ApiProblemResponses(400, 503)
  async stats(@Query() query: StatsQuery, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: StatsPayload = { wardCode: query.wardCode, from: query.from, to: query.to };
    await this.forwarder.query(req, res, { service: 'lodging', type: RPC.lodging.getStats, payload, key: query.wardCode });
  }
}
