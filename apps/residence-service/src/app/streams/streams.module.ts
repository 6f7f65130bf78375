import { Module } from '@nestjs/common';
import { GetStreamHandler } from './get-stream.handler';

/** The raw event streams, for auditors (CONTRACT.md §2.6). */
@Module({ providers: [GetStreamHandler] })
export class StreamsModule {}
