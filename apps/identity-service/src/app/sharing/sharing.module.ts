import { Module } from '@nestjs/common';
import { ShareCitizenHandler } from './share-citizen.handler';

/** Inter-agency reads: CONTRACT.md §2.6. */
@Module({ providers: [ShareCitizenHandler] })
export class SharingModule {}
