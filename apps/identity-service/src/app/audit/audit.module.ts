import { Module } from '@nestjs/common';
import { GetAccessLogHandler } from './get-access-log.handler';
import { GetStreamHandler } from './get-stream.handler';

/** What auditors read: the access log and the raw streams (CONTRACT.md §2.6). */
@Module({ providers: [GetAccessLogHandler, GetStreamHandler] })
export class AuditModule {}
