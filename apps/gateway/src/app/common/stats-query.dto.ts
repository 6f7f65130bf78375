import { ApiProperty } from '@nestjs/swagger';
import { IsLocalDate, IsNotAfter, IsWardCode } from './validators';

/** `?wardCode&from&to` of the residence and lodging statistics (local dates, from <= to). */
export class StatsQuery {
  @ApiProperty({ example: '00004', description: '5-digit ward or commune code.' })
  @IsWardCode()
  wardCode!: string;

  @ApiProperty({ example: '2026-01-01', format: 'date' })
  @IsLocalDate()
  @IsNotAfter('to')
  from!: string;

  @ApiProperty({ example: '2026-03-31', format: 'date' })
  @IsLocalDate()
  to!: string;
}
