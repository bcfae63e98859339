import { Module } from '@nestjs/common';
import { IdempotentWrites } from '../idempotency/idempotent-writes.js';
import { AgreementsController } from './http/agreements.controller.js';
import { CalendarController } from './http/calendar.controller.js';
import { EventTypesController } from './http/event-types.controller.js';
import { MilestonesController } from './http/milestones.controller.js';
import { StatesController } from './http/states.controller.js';
import { StatsController } from './http/stats.controller.js';
import { PartiesController } from './http/parties.controller.js';
import { TimelineController } from './http/timeline.controller.js';
import { GetAgreementAsOfHandler } from './read/as-of/get-agreement-as-of.query.js';
import {
  GetAgreementMilestonesHandler,
  ListMilestonesHandler,
} from './read/milestones/milestones.queries.js';
import { GetPartyPortfolioHandler } from './read/parties/party.queries.js';
import {
  GetAgreementEventsHandler,
  GetAgreementHandler,
  GetAgreementStatsHandler,
  GetTimelineHandler,
  ListAgreementsHandler,
} from './read/agreement.queries.js';
import { VerifyAgreementChainHandler } from './read/audit/audit.queries.js';
import { RecordAgreementEventsHandler } from './write/record-agreement-events.handler.js';

@Module({
  controllers: [
    AgreementsController,
    MilestonesController,
    TimelineController,
    PartiesController,
    StatesController,
    StatsController,
    CalendarController,
    EventTypesController,
  ],
  providers: [
    IdempotentWrites,
    RecordAgreementEventsHandler,
    GetAgreementHandler,
    ListAgreementsHandler,
    GetTimelineHandler,
    GetAgreementEventsHandler,
    VerifyAgreementChainHandler,
    GetAgreementAsOfHandler,
    GetAgreementMilestonesHandler,
    ListMilestonesHandler,
    GetPartyPortfolioHandler,
    GetAgreementStatsHandler,
  ],
})
export class AgreementsModule {}
