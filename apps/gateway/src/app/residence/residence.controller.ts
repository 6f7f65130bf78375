import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, type DecideDossierPayload, type StatsQuery as StatsPayload, type SubmitDossierPayload } from '@d06/contracts';
import { Scopes } from '../auth/scopes.decorator';
import { ApiIdempotencyKey, ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import type { GatewayRequest } from '../common/gateway-request';
import { ServiceForwarder } from '../common/service-forwarder.service';
import { StatsQuery } from '../common/stats-query.dto';
import {
  DECIDE_DOSSIER_EXAMPLE,
  DecideDossierDto,
  DossierDto,
  DossierIdParams,
  ResidenceStatsDto,
  SUBMIT_DOSSIER_EXAMPLE,
  SubmitDossierDto,
} from './residence.dto';

/** CONTRACT.md §2.4: residence registration dossiers (residence service). */
@ApiTags('residence')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller('residence')
export class ResidenceController {
  constructor(private readonly forwarder: ServiceForwarder) {}

  @Post('dossiers')
  @Scopes('residence:submit')
  @ApiOperation({ summary: 'Submit a residence dossier', description: 'Applicant unknown or deceased -> 422.' })
  @ApiBody({ type: SubmitDossierDto, examples: { temporaryRegistration: { value: SUBMIT_DOSSIER_EXAMPLE } } })
  @ApiCreatedResponse({ type: DossierDto, description: 'The dossier as received, with its due date.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 503)
  async submit(@Body() dto: SubmitDossierDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: SubmitDossierPayload = {
      procedure: dto.procedure,
      applicantId: dto.applicantId,
      address: dto.address ?? null,
      startDate: dto.startDate ?? null,
      endDate: dto.endDate ?? null,
      reason: dto.reason ?? null,
    };
    // Keyed by applicant: one person's dossiers are decided against their residence in order.
    await this.forwarder.command(req, res, { service: 'residence', type: RPC.residence.submitDossier, payload, key: dto.applicantId });
  }

  @Get('dossiers/:dossierId')
  @Scopes('residence:read')
  @ApiOperation({ summary: 'Read a dossier' })
  @ApiOkResponse({ type: DossierDto, description: 'The dossier with its history.' })
  @ApiProblemResponses(400, 404, 503)
  async get(@Param() params: DossierIdParams, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    await this.forwarder.query(req, res, { service: 'residence', type: RPC.residence.getDossier, payload: { dossierId: params.dossierId }, key: params.dossierId });
  }

  @Post('dossiers/:dossierId/decision')
  @Scopes('residence:decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or reject a dossier', description: 'Already decided -> 409.' })
  @ApiBody({ type: DecideDossierDto, examples: { approve: { value: { outcome: 'APPROVED' } }, reject: { value: DECIDE_DOSSIER_EXAMPLE } } })
  @ApiOkResponse({ type: DossierDto, description: 'The decided dossier.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 404, 503)
  async decide(@Param() params: DossierIdParams, @Body() dto: DecideDossierDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: DecideDossierPayload = { dossierId: params.dossierId, outcome: dto.outcome, reason: dto.reason ?? null };
    await this.forwarder.command(req, res, { service: 'residence', type: RPC.residence.decideDossier, payload, key: params.dossierId });
  }

  @Get('stats')
  @Scopes('residence:read')
  @ApiOperation({ summary: 'Residence statistics of a ward over local dates [from, to]' })
  @ApiOkResponse({ type: ResidenceStatsDto, description: 'Counts for the ward and range.' })
  @ApiProblemResponses(400, 503)
  async stats(@Query() query: StatsQuery, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: StatsPayload = { wardCode: query.wardCode, from: query.from, to: query.to };
    await this.forwarder.query(req, res, { service: 'residence', type: RPC.residence.getStats, payload, key: query.wardCode });
  }
}
