import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, type GetCitizenPayload, type RecordDeathPayload, type RegisterCitizenPayload, type VerifyCitizenPayload } from '@d06/contracts';
import { Scopes } from '../auth/scopes.decorator';
import { ApiIdempotencyKey, ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import type { GatewayRequest } from '../common/gateway-request';
import { ServiceForwarder } from '../common/service-forwarder.service';
import { optionalPurpose } from '../common/purpose';
import { CitizenDto, PersonalIdParams, REGISTER_CITIZEN_EXAMPLE, RecordDeathDto, RegisterCitizenDto, VerifyCitizenDto, VerifyResultDto } from './identity.dto';

/** CONTRACT.md §2.3: citizens in the population register (identity service). */
@ApiTags('identity')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller()
export class IdentityController {
  constructor(private readonly forwarder: ServiceForwarder) {}

  @Post('citizens')
  @Scopes('identity:write')
  @ApiOperation({ summary: 'Register a citizen' })
  @ApiBody({ type: RegisterCitizenDto, examples: { citizen: { value: REGISTER_CITIZEN_EXAMPLE } } })
  @ApiCreatedResponse({ type: CitizenDto, description: 'The registered citizen.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 503)
  async register(@Body() dto: RegisterCitizenDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: RegisterCitizenPayload = {
      personalId: dto.personalId,
      fullName: dto.fullName,
      dateOfBirth: dto.dateOfBirth,
      gender: dto.gender,
      permanentAddress: dto.permanentAddress ?? null,
    };
    await this.forwarder.command(req, res, { service: 'identity', type: RPC.identity.registerCitizen, payload, key: dto.personalId });
  }

  @Get('citizens/:personalId')
  @Scopes('identity:read')
  @ApiOperation({ summary: 'Read a citizen record', description: 'The read is recorded in the access log (with X-Purpose when given).' })
  @ApiHeader({ name: 'X-Purpose', required: false, description: 'Why the record is read (1-200 characters); kept in the access log.' })
  @ApiOkResponse({ type: CitizenDto, description: 'The citizen record.' })
  @ApiProblemResponses(400, 404, 503)
  async get(@Param() params: PersonalIdParams, @Headers('x-purpose') purpose: string | undefined, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: GetCitizenPayload = { personalId: params.personalId, purpose: optionalPurpose(purpose) };
    await this.forwarder.query(req, res, { service: 'identity', type: RPC.identity.getCitizen, payload, key: params.personalId });
  }

  @Post('citizens/:personalId/death')
  @Scopes('identity:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the death of a citizen' })
  @ApiBody({ type: RecordDeathDto, examples: { death: { value: { dateOfDeath: '2026-01-15' } } } })
  @ApiOkResponse({ type: CitizenDto, description: 'The citizen, now DECEASED.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 404, 503)
  async recordDeath(@Param() params: PersonalIdParams, @Body() dto: RecordDeathDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: RecordDeathPayload = { personalId: params.personalId, dateOfDeath: dto.dateOfDeath };
    await this.forwarder.command(req, res, { service: 'identity', type: RPC.identity.recordDeath, payload, key: params.personalId });
  }

  @Post('identity/verify')
  @Scopes('identity:verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify identity details', description: 'Unknown and deceased citizens both answer {match: false}; nothing else is returned.' })
  @ApiBody({ type: VerifyCitizenDto, examples: { verify: { value: { personalId: '001090012345', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-17' } } } })
  @ApiOkResponse({ type: VerifyResultDto, description: 'Whether the details match a living citizen.' })
  @ApiIdempotencyKey()
  @ApiProblemResponses(400, 503)
  async verify(@Body() dto: VerifyCitizenDto, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: VerifyCitizenPayload = {
      personalId: dto.personalId,
      ...(dto.fullName != null ? { fullName: dto.fullName } : {}),
      ...(dto.dateOfBirth != null ? { dateOfBirth: dto.dateOfBirth } : {}),
      ...(dto.gender != null ? { gender: dto.gender } : {}),
    };
    await this.forwarder.command(req, res, { service: 'identity', type: RPC.identity.verifyCitizen, payload, key: dto.personalId });
  }
}
