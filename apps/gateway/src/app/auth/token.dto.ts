import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation only: the token endpoint reads its JSON or form body by hand (OAuth ignores unknown parameters). */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  grant_type!: string;
  @ApiProperty({ example: 'portal', description: 'May instead come in an HTTP Basic Authorization header.' })
  client_id!: string;
  @ApiProperty({ example: 'portal-local-secret', description: 'May instead come in an HTTP Basic Authorization header.' })
  client_secret!: string;
  @ApiPropertyOptional({ example: 'residence:submit residence:read', description: 'Space-separated subset of the client scopes; all of them when absent.' })
  scope?: string;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzY29wZSI6InJlc2lkZW5jZTpzdWJtaXQifQ.c2lnbmF0dXJl' })
  access_token!: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  token_type!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the token expires.' })
  expires_in!: number;
  @ApiProperty({ example: 'residence:submit residence:read lodging:submit lodging:read identity:verify', description: 'Space-separated scopes granted.' })
  scope!: string;
}

export const TOKEN_REQUEST_EXAMPLE = { grant_type: 'client_credentials', client_id: 'portal', client_secret: 'portal-local-secret' };
