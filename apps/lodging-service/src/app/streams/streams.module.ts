import { Module } from '@nestjs/common';
import { GetStreamHandler } from './get-stream.handler';

@Module({ providers: [GetStreamHandler] })
export class StreamsModule {}
