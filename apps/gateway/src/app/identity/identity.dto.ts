import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import type { Address, Gender } from '@d06/contracts';
import { ADDRESS_EXAMPLE, AddressDto } from '../common/address.dto';
import { IsLocalDate, IsPersonalId, IsText } from '../common/validators';

export const GENDERS: readonly Gender[] = ['MALE', 'FEMALE'];
export const PERSONAL_ID_EXAMPLE = '001090012345';
const PERSONAL_ID_DOC = {
  example: PERSONAL_ID_EXAMPLE,
  description: '12-digit personal identification number: birth-registration province (3), gender+century (1), year of birth (2), serial (6).',
  pattern: '^[0-9]{12}$',
};

export const REGISTER_CITIZEN_EXAMPLE = {
  personalId: PERSONAL_ID_EXAMPLE,
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-05-17',
  gender: 'MALE',
  permanentAddress: ADDRESS_EXAMPLE,
};

export class PersonalIdParams {
  @ApiProperty(PERSONAL_ID_DOC)
  @IsPersonalId()
  personalId!: string;
}

export class RegisterCitizenDto {
  @ApiProperty(PERSONAL_ID_DOC)
  @IsPersonalId({ dateOfBirth: 'dateOfBirth', gender: 'gender' })
  personalId!: string;

  @ApiProperty({ example: REGISTER_CITIZEN_EXAMPLE.fullName, maxLength: 200 })
  @IsText(200)
  fullName!: string;

  @ApiProperty({ example: REGISTER_CITIZEN_EXAMPLE.dateOfBirth, format: 'date' })
  @IsLocalDate()
  dateOfBirth!: string;

  @ApiProperty({ enum: GENDERS, example: 'MALE' })
  @IsIn(GENDERS)
  gender!: Gender;

  @ApiPropertyOptional({ type: AddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  permanentAddress?: AddressDto | null;
}

export class RecordDeathDto {
  @ApiProperty({ example: '2026-01-15', format: 'date' })
  @IsLocalDate()
  dateOfDeath!: string;
}

export class VerifyCitizenDto {
  @ApiProperty(PERSONAL_ID_DOC)
  @IsPersonalId({ dateOfBirth: 'dateOfBirth', gender: 'gender' })
  personalId!: string;

  @ApiPropertyOptional({ example: 'Nguyễn Văn An', maxLength: 200, description: 'Compared after Unicode NFC, case folding and whitespace collapsing.' })
  @IsOptional()
  @IsText(200)
  fullName?: string;

  @ApiPropertyOptional({ example: '1990-05-17', format: 'date' })
  @IsOptional()
  @IsLocalDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: GENDERS, example: 'MALE' })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;
}

export class CitizenDto {
  @ApiProperty({ example: PERSONAL_ID_EXAMPLE })
  personalId!: string;
  @ApiProperty({ example: 'Nguyễn Văn An' })
  fullName!: string;
  @ApiProperty({ example: '1990-05-17', format: 'date' })
  dateOfBirth!: string;
  @ApiProperty({ enum: GENDERS, example: 'MALE' })
  gender!: Gender;
  @ApiProperty({ enum: ['ALIVE', 'DECEASED'], example: 'ALIVE' })
  status!: 'ALIVE' | 'DECEASED';
  @ApiProperty({ type: AddressDto, nullable: true, example: ADDRESS_EXAMPLE })
  permanentAddress!: Address | null;
  @ApiProperty({ type: AddressDto, nullable: true, example: null })
  temporaryAddress!: Address | null;
  @ApiProperty({ example: 1 })
  version!: number;
  @ApiProperty({ example: '2026-03-02T09:15:00.000+07:00', format: 'date-time' })
  updatedAt!: string;
}

export class VerifyResultDto {
  @ApiProperty({ example: true, description: 'True only when the citizen exists, is alive and every given field agrees.' })
  match!: boolean;
}
