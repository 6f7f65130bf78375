import { Module } from '@nestjs/common';
import { GetCitizenHandler } from './get-citizen.handler';
import { RecordDeathHandler } from './record-death.handler';
import { RegisterCitizenHandler } from './register-citizen.handler';
import { VerifyCitizenHandler } from './verify-citizen.handler';

/** The population register: CONTRACT.md §2.3. */
@Module({ providers: [RegisterCitizenHandler, GetCitizenHandler, RecordDeathHandler, VerifyCitizenHandler] })
export class CitizensModule {}
