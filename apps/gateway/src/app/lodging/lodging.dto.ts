import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotIn, IsObject, IsOptional, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { ESTABLISHMENT_KINDS, VIETNAMESE_NATIONALITY, type Address, type EstablishmentKind } from '@d06/contracts';
import { ADDRESS_EXAMPLE, AddressDto } from '../common/address.dto';
import { IsInstant, IsLocalDate, IsPersonalId, IsText, IsUuidString, NotWith, OnlyWith } from '../common/validators';

export const MAX_GUESTS = 200;
const ESTABLISHMENT_ID_EXAMPLE = '9b2e4f60-1c3d-4a5b-8e7f-0a1b2c3d4e5f';
const NOTICE_ID_EXAMPLE = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';

export const REGISTER_ESTABLISHMENT_EXAMPLE = { name: 'Khách sạn Hoàn Kiếm', kind: 'HOTEL', address: ADDRESS_EXAMPLE };
export const SUBMIT_NOTICE_EXAMPLE = {
  establishmentId: ESTABLISHMENT_ID_EXAMPLE,
  arrivalAt: '2026-03-02T14:30:00+07:00',
  expectedDepartureAt: '2026-03-05T12:00:00+07:00',
  room: '305',
  guests: [{ personalId: '001090012345' }, { passportNumber: 'C1234567', nationality: 'FRA', fullName: 'Marie Dupont', dateOfBirth: '1988-11-03' }],
};

export class EstablishmentIdParams {
  @ApiProperty({ example: ESTABLISHMENT_ID_EXAMPLE, format: 'uuid' })
  @IsUuidString()
  establishmentId!: string;
}

export class NoticeIdParams {
  @ApiProperty({ example: NOTICE_ID_EXAMPLE, format: 'uuid' })
  @IsUuidString()
  noticeId!: string;
}

export class RegisterEstablishmentDto {
  @ApiProperty({ example: REGISTER_ESTABLISHMENT_EXAMPLE.name, maxLength: 200 })
  @IsText(200)
  name!: string;

  @ApiProperty({ enum: ESTABLISHMENT_KINDS, example: 'HOTEL' })
  @IsIn(ESTABLISHMENT_KINDS)
  kind!: EstablishmentKind;

  @ApiProperty({ type: AddressDto })
  @IsObject({ message: 'address must be an Address object.' })
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

const guestIsForeign = (o: GuestDto) => o.passportNumber !== undefined;

/** A guest: Vietnamese by `personalId` (name and date of birth optional), or foreign by passport. */
export class GuestDto {
  @ApiPropertyOptional({ example: '001090012345', description: 'Vietnamese guests: the personal ID.', pattern: '^[0-9]{12}$' })
  @ValidateIf((o: GuestDto) => !guestIsForeign(o) || o.personalId !== undefined)
  @IsPersonalId({ dateOfBirth: 'dateOfBirth' })
  @NotWith('passportNumber')
  personalId?: string;

  @ApiPropertyOptional({ example: 'C1234567', description: 'Foreign guests: passport number (letters and digits).' })
  @ValidateIf((o: GuestDto) => o.passportNumber !== undefined)
  @Matches(/^[A-Za-z0-9]{5,20}$/, { message: 'passportNumber must be 5 to 20 letters or digits.' })
  passportNumber?: string;

  @ApiPropertyOptional({ example: 'FRA', description: 'Foreign guests: ISO 3166-1 alpha-3 nationality, not VNM.' })
  @ValidateIf((o: GuestDto) => guestIsForeign(o) || o.nationality !== undefined)
  @Matches(/^[A-Z]{3}$/, { message: 'nationality must be an ISO 3166-1 alpha-3 code in capitals, e.g. FRA.' })
  @IsNotIn([VIETNAMESE_NATIONALITY], { message: 'Vietnamese guests are identified by personalId, not by passport.' })
  @OnlyWith('passportNumber')
  nationality?: string;

  @ApiPropertyOptional({ example: 'Marie Dupont', maxLength: 200, description: 'Required for foreign guests.' })
  @ValidateIf((o: GuestDto) => guestIsForeign(o) || o.fullName !== undefined)
  @IsText(200)
  fullName?: string;

  @ApiPropertyOptional({ example: '1988-11-03', format: 'date', description: 'Required for foreign guests.' })
  @ValidateIf((o: GuestDto) => guestIsForeign(o) || o.dateOfBirth !== undefined)
  @IsLocalDate()
  dateOfBirth?: string;
}

export class SubmitNoticeDto {
  @ApiProperty({ example: ESTABLISHMENT_ID_EXAMPLE, format: 'uuid' })
  @IsUuidString()
  establishmentId!: string;

  @ApiProperty({ example: SUBMIT_NOTICE_EXAMPLE.arrivalAt, format: 'date-time', description: 'RFC 3339 with offset; at most 1 h in the future.' })
  @IsInstant()
  arrivalAt!: string;

  @ApiPropertyOptional({ example: SUBMIT_NOTICE_EXAMPLE.expectedDepartureAt, format: 'date-time', nullable: true })
  @IsOptional()
  @IsInstant()
  expectedDepartureAt?: string | null;

  @ApiPropertyOptional({ example: '305', maxLength: 50, nullable: true })
  @IsOptional()
  @IsText(50)
  room?: string | null;

  @ApiProperty({ type: [GuestDto], minItems: 1, maxItems: MAX_GUESTS, example: SUBMIT_NOTICE_EXAMPLE.guests })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GUESTS)
  @IsObject({ each: true, message: 'each guest must be an object.' })
  @ValidateNested({ each: true })
  @Type(() => GuestDto)
  guests!: GuestDto[];
}

export class RecordDepartureDto {
  @ApiProperty({ example: '2026-03-05T11:20:00+07:00', format: 'date-time' })
  @IsInstant()
  departedAt!: string;
}

export class EstablishmentDto {
  @ApiProperty({ example: ESTABLISHMENT_ID_EXAMPLE, format: 'uuid' })
  establishmentId!: string;
  @ApiProperty({ example: REGISTER_ESTABLISHMENT_EXAMPLE.name })
  name!: string;
  @ApiProperty({ enum: ESTABLISHMENT_KINDS, example: 'HOTEL' })
  kind!: EstablishmentKind;
  @ApiProperty({ type: AddressDto, example: ADDRESS_EXAMPLE })
  address!: Address;
  @ApiProperty({ example: '2026-03-01T08:00:00.000+07:00', format: 'date-time' })
  registeredAt!: string;
}

class NoticeGuestDto {
  @ApiProperty({ example: 1 })
  guestNo!: number;
  @ApiProperty({ example: 'VNM' })
  nationality!: string;
  @ApiPropertyOptional({ example: '001090012345' })
  personalId?: string;
  @ApiPropertyOptional({ example: null, nullable: true })
  passportNumber?: string | null;
  @ApiProperty({ example: null, nullable: true })
  fullName!: string | null;
  @ApiProperty({ example: null, nullable: true })
  dateOfBirth!: string | null;
  @ApiProperty({ example: '2026-03-02T23:00:00.000+07:00', format: 'date-time' })
  dueBy!: string;
  @ApiProperty({ example: true, description: 'Vietnamese guest found alive in the register; always false for foreign guests.' })
  verified!: boolean;
}

export class NoticeDto {
  @ApiProperty({ example: NOTICE_ID_EXAMPLE, format: 'uuid' })
  noticeId!: string;
  @ApiProperty({ example: ESTABLISHMENT_ID_EXAMPLE, format: 'uuid' })
  establishmentId!: string;
  @ApiProperty({ example: '2026-03-02T14:30:00+07:00', format: 'date-time' })
  arrivalAt!: string;
  @ApiProperty({ example: '2026-03-02T14:35:10.000+07:00', format: 'date-time' })
  receivedAt!: string;
  @ApiProperty({ example: '2026-03-02T23:00:00.000+07:00', format: 'date-time', description: 'Earliest of the guests deadlines.' })
  dueBy!: string;
  @ApiProperty({ example: false })
  late!: boolean;
  @ApiProperty({ type: [NoticeGuestDto], example: [{ guestNo: 1, nationality: 'VNM', personalId: '001090012345', fullName: null, dateOfBirth: null, dueBy: '2026-03-02T23:00:00.000+07:00', verified: true }] })
  guests!: NoticeGuestDto[];
}

class CurrentGuestDto {
  @ApiProperty({ example: NOTICE_ID_EXAMPLE, format: 'uuid' })
  noticeId!: string;
  @ApiProperty({ example: 1 })
  guestNo!: number;
  @ApiPropertyOptional({ example: '001090012345', description: 'Vietnamese guests.' })
  personalId?: string;
  @ApiPropertyOptional({ example: 'C1234567', description: 'Foreign guests.' })
  passportNumber?: string;
  @ApiProperty({ example: 'VNM' })
  nationality!: string;
  @ApiProperty({ example: null, nullable: true })
  fullName!: string | null;
  @ApiProperty({ example: '2026-03-02T14:30:00+07:00', format: 'date-time' })
  arrivalAt!: string;
  @ApiProperty({ example: '2026-03-05T12:00:00+07:00', nullable: true })
  expectedDepartureAt!: string | null;
  @ApiProperty({ example: '305', nullable: true })
  room!: string | null;
  @ApiProperty({ example: true })
  verified!: boolean;
}

export class CurrentGuestsDto {
  @ApiProperty({ example: ESTABLISHMENT_ID_EXAMPLE, format: 'uuid' })
  establishmentId!: string;
  @ApiProperty({ type: [CurrentGuestDto] })
  guests!: CurrentGuestDto[];
}

export class DepartureDto {
  @ApiProperty({ example: NOTICE_ID_EXAMPLE, format: 'uuid' })
  noticeId!: string;
  @ApiProperty({ example: '2026-03-05T11:20:00+07:00', format: 'date-time' })
  departedAt!: string;
}

export class LodgingStatsDto {
  @ApiProperty({ example: 42 })
  notices!: number;
  @ApiProperty({ example: 77 })
  guests!: number;
  @ApiProperty({ example: 12 })
  foreignGuests!: number;
  @ApiProperty({ example: 3 })
  late!: number;
}
