import { Module } from '@nestjs/common';
import { RecordDepartureHandler } from './record-departure.handler';
import { SubmitNoticeHandler } from './submit-notice.handler';

@Module({ providers: [SubmitNoticeHandler, RecordDepartureHandler] })
export class NoticesModule {}
