import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, todayOf, type Clock } from '../../../clock.js';
import type { MilestoneView } from '../milestones/milestones.js';
import { MILESTONES_READER, type MilestonesReader } from '../milestones/milestones.reader.js';
import { PARTY_READER, type PartyReader } from './party.reader.js';
import { portfolioOf, type PartyPortfolio } from './portfolio.js';

/** At most this many open and this many overdue milestones in a portfolio; /api/milestones pages the rest. */
export const PORTFOLIO_MILESTONES = 1000;

export type PortfolioView = PartyPortfolio & {
  milestones: { open: MilestoneView[]; overdue: MilestoneView[]; truncated: boolean };
};

export class GetPartyPortfolio extends Query<PortfolioView> {
  constructor(readonly party: string) {
    super();
  }
}

@QueryHandler(GetPartyPortfolio)
export class GetPartyPortfolioHandler implements IQueryHandler<GetPartyPortfolio> {
  constructor(
    @Inject(PARTY_READER) private readonly parties: PartyReader,
    @Inject(MILESTONES_READER) private readonly milestones: MilestonesReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ party }: GetPartyPortfolio): Promise<PortfolioView> {
    const today = todayOf(this.clock);
    const [agreements, exercises, open, overdue] = await Promise.all([
      this.parties.agreementsOf(party),
      this.parties.jointExercises(party),
      this.milestones.list({ owner: party, statuses: ['open', 'due_soon'] }, today, PORTFOLIO_MILESTONES),
      this.milestones.list({ owner: party, statuses: ['overdue'] }, today, PORTFOLIO_MILESTONES),
    ]);
    return {
      ...portfolioOf(party, agreements, exercises),
      milestones: {
        open: open.items,
        overdue: overdue.items,
        truncated: open.next !== undefined || overdue.next !== undefined,
      },
    };
  }
}
