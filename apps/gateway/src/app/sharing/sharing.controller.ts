import { Controller, Get, Headers, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RPC, type ShareCitizenPayload } from '@d06/contracts';
import { CLIENT_REGISTRY } from '../gateway.tokens';
import type { ClientRegistry } from '../auth/client-registry.service';
import { Scopes } from '../auth/scopes.decorator';
import { ApiProblemResponses, CORRELATION_HEADER_DOC } from '../common/api-docs';
import type { GatewayRequest } from '../common/gateway-request';
import { ServiceForwarder } from '../common/service-forwarder.service';
import { PURPOSE_HEADER, requiredPurpose } from '../common/purpose';
import { PersonalIdParams } from '../identity/identity.dto';
import { SharedCitizenDto } from './sharing.dto';

/** CONTRACT.md §2.6: inter-agency reads, limited to each agency's policy fields and logged. */
@ApiTags('sharing')
@ApiHeader(CORRELATION_HEADER_DOC)
@Controller('sharing')
export class SharingController {
  constructor(
    private readonly forwarder: ServiceForwarder,
    @Inject(CLIENT_REGISTRY) private readonly clients: ClientRegistry,
  ) {}

  @Get('citizens/:personalId')
  @Scopes('sharing:read')
  @ApiOperation({ summary: 'Read a citizen record as a partner agency', description: 'Only the fields of the calling agency policy are returned; the read is logged with its purpose.' })
  @ApiHeader({ name: PURPOSE_HEADER, required: true, description: 'Why the data is read (1-200 characters; UTF-8 may be percent-encoded).', example: 'Xác minh hồ sơ bảo hiểm xã hội' })
  @ApiOkResponse({ type: SharedCitizenDto, description: 'The citizen fields of the agency policy.' })
  @ApiProblemResponses(400, 404, 503)
  async share(@Param() params: PersonalIdParams, @Headers('x-purpose') purpose: string | undefined, @Req() req: GatewayRequest, @Res() res: Response): Promise<void> {
    const payload: ShareCitizenPayload = {
      personalId: params.personalId,
      purpose: requiredPurpose(purpose),
      // The policy comes from configuration, never from the caller.
      fields: [...(this.clients.get(req.principal?.clientId ?? '')?.fields ?? [])],
    };
    await this.forwarder.query(req, res, { service: 'identity', type: RPC.identity.shareCitizen, payload, key: params.personalId });
  }
}
