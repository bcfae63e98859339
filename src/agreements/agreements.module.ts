import { Module } from '@nestjs/common';
import { AgreementsController } from './http/agreements.controller.js';
import {
  GetAgreementEventsHandler,
  GetAgreementHandler,
  GetTimelineHandler,
  ListAgreementsHandler,
} from './read/agreement.queries.js';
import { RecordAgreementEventsHandler } from './write/record-agreement-events.handler.js';

@Module({
  controllers: [AgreementsController],
  providers: [
    RecordAgreementEventsHandler,
    GetAgreementHandler,
    ListAgreementsHandler,
    GetTimelineHandler,
    GetAgreementEventsHandler,
  ],
})
export class AgreementsModule {}
