import { ApiPropertyOptional } from '@nestjs/swagger';
import type { Address, Gender } from '@d06/contracts';
import { ADDRESS_EXAMPLE, AddressDto } from '../common/address.dto';

/** What an agency receives: only the fields of its sharing policy are present. */
export class SharedCitizenDto {
  @ApiPropertyOptional({ example: '001090012345' })
  personalId?: string;
  @ApiPropertyOptional({ example: 'Nguyễn Văn An' })
  fullName?: string;
  @ApiPropertyOptional({ example: '1990-05-17', format: 'date' })
  dateOfBirth?: string;
  @ApiPropertyOptional({ enum: ['MALE', 'FEMALE'], example: 'MALE' })
  gender?: Gender;
  @ApiPropertyOptional({ enum: ['ALIVE', 'DECEASED'], example: 'ALIVE' })
  status?: 'ALIVE' | 'DECEASED';
  @ApiPropertyOptional({ type: AddressDto, nullable: true, example: ADDRESS_EXAMPLE })
  permanentAddress?: Address | null;
  @ApiPropertyOptional({ type: AddressDto, nullable: true, example: null })
  temporaryAddress?: Address | null;
}
