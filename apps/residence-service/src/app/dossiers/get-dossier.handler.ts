import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { RPC, type FieldError, type RpcReply } from '@d06/contracts';
import { CLOCK, MANAGED_DATA_SOURCE, RPC_DISPATCHER, type Clock, type ManagedDataSource, type RpcDispatcher } from '@d06/platform';
import { findDossier } from '@d06/residence-read-model';
import { asPayload, uuidField } from '../common/payload-fields';
import { answer, notFound, validationFailed } from '../common/rpc-replies';
import { dossierViewOf, type DossierResponse } from './dossier-view';

/** `GetDossier` (GET /residence/dossiers/{id}): the dossier with its history; `late` as of now. */
@Injectable()
export class GetDossierHandler implements OnModuleInit {
  constructor(
    @Inject(RPC_DISPATCHER) private readonly dispatcher: RpcDispatcher,
    @Inject(MANAGED_DATA_SOURCE) private readonly db: ManagedDataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(RPC.residence.getDossier, (payload) => this.handle(payload));
  }

  async handle(payload: unknown): Promise<RpcReply<DossierResponse>> {
    const errors: FieldError[] = [];
    const dossierId = uuidField(asPayload(payload, errors), 'dossierId', errors);
    if (errors.length > 0 || dossierId === undefined) return validationFailed(errors);
    const record = await findDossier(await this.db.ready(), dossierId);
    if (!record) return notFound(`no dossier ${dossierId}`);
    return answer(200, dossierViewOf(record, this.clock.now()));
  }
}
