import { Module } from '@nestjs/common';
import { GetCurrentGuestsHandler } from './get-current-guests.handler';

@Module({ providers: [GetCurrentGuestsHandler] })
export class OccupancyModule {}
