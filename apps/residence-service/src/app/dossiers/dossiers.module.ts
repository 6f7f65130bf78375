import { Module } from '@nestjs/common';
import { DecideDossierHandler } from './decide-dossier.handler';
import { GetDossierHandler } from './get-dossier.handler';
import { SubmitDossierHandler } from './submit-dossier.handler';

/** Residence dossiers: submit, read, decide (CONTRACT.md §2.4). */
@Module({ providers: [SubmitDossierHandler, GetDossierHandler, DecideDossierHandler] })
export class DossiersModule {}
