import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SERVICES, type ServiceName } from '@d06/contracts';
import { IsPersonalId } from '../common/validators';

export const ACCESS_LOG_DEFAULT_LIMIT = 50;
export const ACCESS_LOG_MAX_LIMIT = 500;

export class AccessLogQuery {
  @ApiProperty({ example: '001090012345', pattern: '^[0-9]{12}$' })
  @IsPersonalId()
  personalId!: string;

  @ApiPropertyOptional({ example: '50', description: `Page size, 1-${ACCESS_LOG_MAX_LIMIT} (default ${ACCESS_LOG_DEFAULT_LIMIT}).` })
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,2})$/, { message: `limit must be an integer from 1 to ${ACCESS_LOG_MAX_LIMIT}.` })
  limit?: string;

  @ApiPropertyOptional({ example: 'eyJhdCI6IjIwMjYtMDMtMDIifQ', description: 'The X-Next-Cursor of the previous page.' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_\-.~=:+/]{1,512}$/, { message: 'cursor must be the X-Next-Cursor value of a previous page.' })
  cursor?: string;
}

export class StreamParams {
  @ApiProperty({ enum: SERVICES, example: 'residence' })
  @IsIn(SERVICES)
  service!: ServiceName;

  @ApiProperty({ example: '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a', description: 'A personalId, access-<personalId>, or an aggregate uuid.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, { message: 'streamId must be 1-200 letters, digits, ".", "_", ":" or "-".' })
  streamId!: string;
}

export class AccessLogEntryDto {
  @ApiProperty({ example: '2026-03-02T09:15:00.000+07:00', format: 'date-time' })
  at!: string;
  @ApiProperty({ example: 'agency' })
  clientId!: string;
  @ApiProperty({ example: 'Xác minh hồ sơ bảo hiểm xã hội', nullable: true })
  purpose!: string | null;
  @ApiProperty({ example: ['personalId', 'fullName', 'dateOfBirth'], type: [String] })
  fields!: string[];
}

class ActorDto {
  @ApiProperty({ example: 'portal' })
  clientId!: string;
  @ApiPropertyOptional({ example: 'citizen-portal-user-123' })
  subject?: string;
}

export class EventEnvelopeDto {
  @ApiProperty({ example: '0b8e2c64-7a51-4f0e-9d8c-2b1a3c4d5e6f', format: 'uuid' })
  eventId!: string;
  @ApiProperty({ enum: SERVICES, example: 'residence' })
  service!: ServiceName;
  @ApiProperty({ example: 'DossierSubmitted' })
  type!: string;
  @ApiProperty({ example: 1 })
  schemaVersion!: number;
  @ApiProperty({ example: '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a' })
  streamId!: string;
  @ApiProperty({ example: 1 })
  streamVersion!: number;
  @ApiProperty({ example: 1042 })
  position!: number;
  @ApiProperty({ example: '2026-03-02T09:15:00.000+07:00', format: 'date-time' })
  occurredAt!: string;
  @ApiProperty({ example: '6f1c1f1e-3c1d-4c43-9b7e-0c5d1d6b2a10' })
  correlationId!: string;
  @ApiProperty({ example: null, nullable: true })
  causationId!: string | null;
  @ApiProperty({ type: ActorDto })
  actor!: ActorDto;
  @ApiProperty({ example: { dossierId: '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a', procedure: 'TEMPORARY_REGISTRATION' }, type: 'object', additionalProperties: true })
  data!: Record<string, unknown>;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  prevHash!: string;
  @ApiProperty({ example: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752' })
  hash!: string;
}

export class StreamDto {
  @ApiProperty({ enum: SERVICES, example: 'residence' })
  service!: ServiceName;
  @ApiProperty({ example: '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a' })
  streamId!: string;
  @ApiProperty({ type: [EventEnvelopeDto], description: 'In stream order (streamVersion 1, 2, ...).' })
  events!: EventEnvelopeDto[];
}
