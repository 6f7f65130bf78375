import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import { PROCEDURES, type Address, type Procedure } from '@d06/contracts';
import { ADDRESS_EXAMPLE, AddressDto } from '../common/address.dto';
import { IsLocalDate, IsPersonalId, IsText, IsUuidString } from '../common/validators';

/** The procedures that register a residence at an address (CONTRACT.md §2.4: they need `address`). */
const NEEDS_ADDRESS: readonly Procedure[] = ['PERMANENT_REGISTRATION', 'TEMPORARY_REGISTRATION'];
const OUTCOMES = ['APPROVED', 'REJECTED'] as const;
const DOSSIER_ID_EXAMPLE = '3f6c2a1e-8b7d-4c1a-9e2f-5d4b3a2c1b0a';

export const SUBMIT_DOSSIER_EXAMPLE = {
  procedure: 'TEMPORARY_REGISTRATION',
  applicantId: '001090012345',
  address: ADDRESS_EXAMPLE,
  startDate: '2026-03-02',
  endDate: '2027-03-01',
  reason: 'Làm việc tại Hà Nội',
};
export const DECIDE_DOSSIER_EXAMPLE = { outcome: 'REJECTED', reason: 'Thiếu giấy tờ chứng minh chỗ ở hợp pháp' };

export class DossierIdParams {
  @ApiProperty({ example: DOSSIER_ID_EXAMPLE, format: 'uuid' })
  @IsUuidString()
  dossierId!: string;
}

export class SubmitDossierDto {
  @ApiProperty({ enum: PROCEDURES, example: 'TEMPORARY_REGISTRATION' })
  @IsIn(PROCEDURES)
  procedure!: Procedure;

  @ApiProperty({ example: '001090012345', description: 'The applicant personal ID.', pattern: '^[0-9]{12}$' })
  @IsPersonalId()
  applicantId!: string;

  @ApiPropertyOptional({ type: AddressDto, nullable: true, description: 'Required for PERMANENT_REGISTRATION and TEMPORARY_REGISTRATION.' })
  @ValidateIf((o: SubmitDossierDto) => NEEDS_ADDRESS.includes(o.procedure) || (o.address !== undefined && o.address !== null))
  @IsObject({ message: 'address is required for a registration and must be an Address object.' })
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ example: '2026-03-02', format: 'date', description: 'Default: the day of receipt.' })
  @IsOptional()
  @IsLocalDate()
  startDate?: string | null;

  @ApiPropertyOptional({ example: '2027-03-01', format: 'date', description: 'Temporary registrations and extensions: at most 2 years after startDate.' })
  @IsOptional()
  @IsLocalDate()
  endDate?: string | null;

  @ApiPropertyOptional({ example: 'Làm việc tại Hà Nội', maxLength: 1000 })
  @IsOptional()
  @IsText(1000)
  reason?: string | null;
}

export class DecideDossierDto {
  @ApiProperty({ enum: OUTCOMES, example: 'APPROVED' })
  @IsIn(OUTCOMES)
  outcome!: (typeof OUTCOMES)[number];

  @ApiPropertyOptional({ example: DECIDE_DOSSIER_EXAMPLE.reason, maxLength: 1000, description: 'Required when REJECTED.' })
  @ValidateIf((o: DecideDossierDto) => o.outcome === 'REJECTED' || (o.reason !== undefined && o.reason !== null))
  @IsText(1000, { message: 'reason is required when the outcome is REJECTED and must be 1 to 1000 characters.' })
  reason?: string | null;
}

class HistoryEntryDto {
  @ApiProperty({ enum: ['RECEIVED', 'APPROVED', 'REJECTED'], example: 'RECEIVED' })
  status!: string;
  @ApiProperty({ example: '2026-03-02T09:15:00.000+07:00', format: 'date-time' })
  at!: string;
  @ApiProperty({ example: 'portal', description: 'Client id of who made the change.' })
  by!: string;
}

export class DossierDto {
  @ApiProperty({ example: DOSSIER_ID_EXAMPLE, format: 'uuid' })
  dossierId!: string;
  @ApiProperty({ enum: PROCEDURES, example: 'TEMPORARY_REGISTRATION' })
  procedure!: Procedure;
  @ApiProperty({ example: '001090012345' })
  applicantId!: string;
  @ApiProperty({ enum: ['RECEIVED', 'APPROVED', 'REJECTED'], example: 'RECEIVED' })
  status!: 'RECEIVED' | 'APPROVED' | 'REJECTED';
  @ApiProperty({ type: AddressDto, nullable: true, example: ADDRESS_EXAMPLE })
  address!: Address | null;
  @ApiProperty({ example: '2026-03-02', nullable: true })
  startDate!: string | null;
  @ApiProperty({ example: '2027-03-01', nullable: true })
  endDate!: string | null;
  @ApiProperty({ example: '2026-03-02T09:15:00.000+07:00', format: 'date-time' })
  receivedAt!: string;
  @ApiProperty({ example: '2026-03-05', format: 'date', description: 'Last working day of the statutory time limit.' })
  dueDate!: string;
  @ApiPropertyOptional({ example: '2026-03-04T10:00:00.000+07:00', format: 'date-time' })
  decidedAt?: string;
  @ApiProperty({ example: false })
  late!: boolean;
  @ApiProperty({ type: [HistoryEntryDto], example: [{ status: 'RECEIVED', at: '2026-03-02T09:15:00.000+07:00', by: 'portal' }] })
  history!: HistoryEntryDto[];
}

export class ResidenceStatsDto {
  @ApiProperty({ example: 120 })
  received!: number;
  @ApiProperty({ example: 100 })
  resolved!: number;
  @ApiProperty({ example: 95 })
  resolvedOnTime!: number;
  @ApiProperty({ example: 5 })
  resolvedLate!: number;
  @ApiProperty({ example: 20 })
  pending!: number;
  @ApiProperty({ example: 2 })
  overdue!: number;
}
