import { ApiProperty } from '@nestjs/swagger';
import type { Address } from '@d06/contracts';
import { IsAddressPart } from './validators';

export const ADDRESS_EXAMPLE: Address = { provinceCode: '01', wardCode: '00004', detail: 'Số 12 phố Điện Biên Phủ' };

/** CONTRACT.md §2.2 Address: official codes since 1 July 2025, the ward inside the province. */
export class AddressDto implements Address {
  @ApiProperty({ example: ADDRESS_EXAMPLE.provinceCode, description: '2-digit code of one of the 34 provinces.', pattern: '^[0-9]{2}$' })
  @IsAddressPart()
  provinceCode!: string;

  @ApiProperty({ example: ADDRESS_EXAMPLE.wardCode, description: '5-digit code of a commune or ward of that province.', pattern: '^[0-9]{5}$' })
  @IsAddressPart()
  wardCode!: string;

  @ApiProperty({ example: ADDRESS_EXAMPLE.detail, description: 'House number, street, hamlet (1-500 characters).', maxLength: 500 })
  @IsAddressPart()
  detail!: string;
}
