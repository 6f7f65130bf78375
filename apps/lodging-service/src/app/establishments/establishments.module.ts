import { Module } from '@nestjs/common';
import { RegisterEstablishmentHandler } from './register-establishment.handler';

@Module({ providers: [RegisterEstablishmentHandler] })
export class EstablishmentsModule {}
