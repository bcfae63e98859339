import fc from 'fast-check';
import type { AgreementEventType } from '../../../src/agreements/domain/agreement.events.js';

/**
 * Random command sequences for one agreement, as abstract steps turned into concrete event
 * requests. The steps know nothing of the agreement's state, so some are refused (signing
 * twice, a party that is not one, acts out of order) and the rest move it through its life.
 */

export const STEP_PARTIES = ['USA', 'JPN', 'KOR', 'GBR', 'AUS'];

export interface Step {
  type: AgreementEventType;
  party: number;
  other: number;
  /** Days after 2000-01-01 for occurredOn; dates before the proposal are refused. */
  day: number;
  milestone: number;
  choice: number;
}

const weighted: [AgreementEventType, number][] = [
  ['AgreementSigned', 8],
  ['AgreementEnteredIntoForce', 3],
  ['ExerciseHeld', 2],
  ['ReviewConducted', 2],
  ['AgreementAmended', 2],
  ['AgreementWithdrawn', 1],
  ['AgreementRatified', 2],
  ['PartyAcceded', 2],
  ['MilestoneCommitted', 2],
  ['MilestoneMet', 2],
  ['ConsultationHeld', 2],
  ['ContributionRecorded', 2],
  ['AgreementSuspended', 3],
  ['AgreementResumed', 2],
  ['AgreementRenewed', 1],
  ['AgreementTerminated', 1],
  ['AgreementProposed', 1],
  ['ReservationMade', 1],
  ['ReservationWithdrawn', 1],
  ['DeclarationMade', 1],
  ['ObjectionMade', 1],
  ['ProvisionalApplicationStarted', 1],
  ['SuccessionNotified', 1],
  ['WithdrawalRescinded', 1],
];

export const step: fc.Arbitrary<Step> = fc.record({
  type: fc.oneof(...weighted.map(([type, weight]) => ({ weight, arbitrary: fc.constant(type) }))),
  // Mostly the first three (the parties), now and then one that is not a party.
  party: fc.oneof({ weight: 4, arbitrary: fc.nat({ max: 2 }) }, { weight: 1, arbitrary: fc.nat({ max: 4 }) }),
  other: fc.nat({ max: STEP_PARTIES.length - 1 }),
  day: fc.integer({ min: -60, max: 3300 }),
  milestone: fc.nat({ max: 2 }),
  choice: fc.nat({ max: 3 }),
});

/** Steps, each with the size of the batch it starts (steps sent together in one request). */
export const sequence = fc.record({
  parties: fc.integer({ min: 2, max: 3 }),
  steps: fc.array(
    fc.tuple(
      step,
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
    ),
    { minLength: 1, maxLength: 30, size: 'max' },
  ),
});

export const dayToDate = (day: number) => new Date(Date.UTC(2000, 0, 1 + day)).toISOString().slice(0, 10);

/** The data a step's event carries. */
export function dataOf(s: Step, parties: number): Record<string, unknown> {
  const party = STEP_PARTIES[s.party]!;
  const on = dayToDate(s.day);
  const later = dayToDate(s.day + 365 * (s.choice + 1));
  switch (s.type) {
    case 'AgreementProposed':
      return {
        title: `Property agreement ${s.choice}`,
        parties: STEP_PARTIES.slice(0, parties),
        provisions: ['consultation', 'joint_exercises'],
        ...(s.choice > 0 ? { termMonths: 12 * s.choice, reviewEveryMonths: 6 * s.choice } : {}),
      };
    case 'AgreementSigned':
      return { party, ...(s.choice === 1 ? { signatory: `Minister ${s.other}` } : {}) };
    case 'ExerciseHeld':
      return { name: `Exercise ${s.choice}`, startedOn: on, participants: [party] };
    case 'ReviewConducted':
      return {
        outcome: ['reaffirmed', 'amendment_recommended', 'concerns_raised', 'termination_recommended'][
          s.choice
        ]!,
        ...(s.choice % 2 ? { nextReviewDue: later } : {}),
      };
    case 'AgreementAmended':
      return { summary: `Amendment ${s.choice}`, changes: { termMonths: 6 * (s.choice + 1) } };
    case 'AgreementWithdrawn':
      return { party, ...(s.choice === 2 ? { effectiveOn: later } : {}) };
    case 'AgreementRatified':
      return { party, instrument: ['ratification', 'acceptance', 'approval'][s.choice % 3]! };
    case 'AgreementEnteredIntoForce':
      return {};
    case 'PartyAcceded':
      return { party };
    case 'MilestoneCommitted':
      return {
        milestoneId: `m${s.milestone}`,
        description: `Milestone ${s.milestone}`,
        owner: party,
        dueOn: later,
      };
    case 'MilestoneMet':
      return { milestoneId: `m${s.milestone}` };
    case 'ConsultationHeld':
      return { level: ['summit', 'ministerial', 'working'][s.choice % 3]!, topics: [`topic ${s.other}`] };
    case 'ContributionRecorded':
      return { party, category: 'funding', amount: 1000 * (s.choice + 1), unit: 'USD' };
    case 'AgreementSuspended':
    case 'AgreementResumed':
      return { reason: `Reason ${s.choice}` };
    case 'AgreementRenewed':
      return { newTermEndsOn: later };
    case 'AgreementTerminated':
      return { reason: ['expired', 'mutual_consent', 'superseded', 'denounced'][s.choice]! };
    case 'ReservationMade':
      return {
        party,
        text: `Reservation ${s.choice}`,
        ...(s.choice === 1 ? { articles: [`${s.other + 1}`] } : {}),
      };
    case 'ReservationWithdrawn':
      return { party, reservationId: `${party}-${s.milestone + 1}` };
    case 'DeclarationMade':
      return { party, text: `Declaration ${s.choice}` };
    case 'ObjectionMade': {
      const toParty = STEP_PARTIES[s.other]!;
      return {
        party,
        toParty,
        text: `Objection ${s.choice}`,
        ...(s.choice === 1 ? { reservationId: `${toParty}-1` } : {}),
      };
    }
    case 'ProvisionalApplicationStarted':
      return { party };
    case 'SuccessionNotified':
      return { party: STEP_PARTIES[s.other]!, predecessor: party };
    case 'WithdrawalRescinded':
      return { party };
    case 'AgreementLinked':
      return { sameAs: 'atop-3375', reason: `Reason ${s.choice}` };
    case 'EventRetracted':
      // Not drawn (see `weighted`): a retraction names an event of the stream, which steps do not know.
      return { eventId: '00000000-0000-4000-8000-000000000000', reason: `Reason ${s.choice}` };
  }
}

/** The first step of a sequence proposes the agreement on day 0, so the rest has something to act on. */
export function withProposal(steps: [Step, number][]): [Step, number][] {
  const first: Step = { type: 'AgreementProposed', party: 0, other: 0, day: 0, milestone: 0, choice: 1 };
  return [[first, 1], ...steps];
}
