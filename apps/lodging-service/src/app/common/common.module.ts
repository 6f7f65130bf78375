import { Global, Module } from '@nestjs/common';
import { TimedRpcRegistrar } from './rpc-timing';

@Global()
@Module({ providers: [TimedRpcRegistrar], exports: [TimedRpcRegistrar] })
export class LodgingCommonModule {}
