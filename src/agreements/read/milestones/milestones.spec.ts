import { describe, expect, it } from '@jest/globals';
import type { AgreementEvent, AgreementEventType, EventData } from '../../domain/agreement.events.js';
import { fold, type Agreement } from '../../domain/agreement.state.js';
import { judge, milestonesOf, type MilestoneFact } from './milestones.js';

const ID = 'usa-jpn-2020';

const ev = <T extends AgreementEventType>(type: T, occurredOn: string, data: EventData<T>) =>
  ({ type, occurredOn, data, streamId: ID }) as AgreementEvent & { streamId: string };

function agreement(events: (AgreementEvent & { streamId: string })[]): Agreement {
  const state = fold(events);
  if (state.status === 'none') throw new Error('expected an agreement');
  return state;
}

const proposed = (data: Partial<EventData<'AgreementProposed'>> = {}) =>
  ev('AgreementProposed', '2020-01-10', {
    title: 'Security Treaty',
    parties: ['USA', 'JPN', 'AUS'],
    provisions: ['consultation'],
    ...data,
  });
const signedAll = [
  ev('AgreementSigned', '2020-02-01', { party: 'USA' }),
  ev('AgreementSigned', '2020-02-01', { party: 'JPN' }),
  ev('AgreementSigned', '2020-02-01', { party: 'AUS' }),
];
const inForce = ev('AgreementEnteredIntoForce', '2020-03-01', {});
const commit = (milestoneId: string, owner: string, dueOn: string) =>
  ev('MilestoneCommitted', '2020-03-05', {
    milestoneId,
    description: `Deliver ${milestoneId}`,
    owner,
    dueOn,
  });

const fact = (dueOn: string, metOn?: string): MilestoneFact => ({
  agreementId: ID,
  milestoneId: 'm',
  kind: 'committed',
  description: 'd',
  owner: 'JPN',
  dueOn,
  ...(metOn ? { metOn } : {}),
});

describe('judge', () => {
  const today = '2024-03-01';

  it('is overdue the day after its due date, late by the days since', () => {
    expect(judge(fact('2024-02-29'), today)).toMatchObject({ status: 'overdue', daysLate: 1 });
    expect(judge(fact('2023-03-01'), today)).toMatchObject({ status: 'overdue', daysLate: 366 });
  });

  it('is due soon from 30 days ahead up to and including its due date', () => {
    expect(judge(fact('2024-03-01'), today).status).toBe('due_soon');
    expect(judge(fact('2024-03-31'), today).status).toBe('due_soon');
    expect(judge(fact('2024-04-01'), today).status).toBe('open');
  });

  it('is met when met on or before its due date, met_late with the days late otherwise', () => {
    expect(judge(fact('2024-02-10', '2024-02-10'), today)).toMatchObject({
      status: 'met',
      metOn: '2024-02-10',
    });
    expect(judge(fact('2024-02-10', '2024-01-01'), today).daysLate).toBeUndefined();
    expect(judge(fact('2024-01-31', '2024-02-29'), today)).toMatchObject({
      status: 'met_late',
      daysLate: 29,
    });
  });

  it('does not count as met before the day it is met (a withdrawal announced ahead)', () => {
    const ahead = judge(fact('2024-03-20', '2024-03-20'), today);
    expect(ahead).toMatchObject({ status: 'due_soon' });
    expect(ahead.metOn).toBeUndefined();
    expect(judge(fact('2024-03-20', '2024-03-20'), '2024-03-20').status).toBe('met');
  });
});

describe('milestonesOf', () => {
  it('lists committed milestones with their owner, by due date', () => {
    const a = agreement([
      proposed(),
      ...signedAll,
      inForce,
      commit('radar', 'JPN', '2020-06-30'),
      commit('airfield', 'AUS', '2020-05-31'),
      ev('MilestoneMet', '2020-06-10', { milestoneId: 'airfield' }),
    ]);
    expect(milestonesOf(a, '2020-07-01')).toEqual([
      {
        agreementId: ID,
        milestoneId: 'airfield',
        kind: 'committed',
        description: 'Deliver airfield',
        owner: 'AUS',
        dueOn: '2020-05-31',
        metOn: '2020-06-10',
        status: 'met_late',
        daysLate: 10,
      },
      {
        agreementId: ID,
        milestoneId: 'radar',
        kind: 'committed',
        description: 'Deliver radar',
        owner: 'JPN',
        dueOn: '2020-06-30',
        status: 'overdue',
        daysLate: 1,
      },
    ]);
  });

  it('derives the next review and the term end, owned by all parties', () => {
    const a = agreement([proposed({ reviewEveryMonths: 12, termMonths: 60 }), ...signedAll, inForce]);
    const list = milestonesOf(a, '2020-03-02');
    expect(list.map((m) => [m.kind, m.milestoneId, m.owner, m.dueOn, m.status])).toEqual([
      ['review', '@next-review', 'ALL', '2021-03-01', 'open'],
      ['term_end', '@term-end', 'ALL', '2025-03-01', 'open'],
    ]);
  });

  it('moves the review with each review held, and the term end with a renewal', () => {
    const a = agreement([
      proposed({ reviewEveryMonths: 12, termMonths: 60 }),
      ...signedAll,
      inForce,
      ev('ReviewConducted', '2021-02-15', { outcome: 'reaffirmed', nextReviewDue: '2021-09-30' }),
      ev('AgreementRenewed', '2024-12-01', { newTermEndsOn: '2030-03-01' }),
    ]);
    const byKind = Object.fromEntries(milestonesOf(a, '2025-01-01').map((m) => [m.kind, m]));
    expect(byKind.review).toMatchObject({ dueOn: '2021-09-30', status: 'overdue' });
    expect(byKind.term_end).toMatchObject({ dueOn: '2030-03-01', description: 'Renewed term ends' });
  });

  it('shows a withdrawal taking effect later as due, then met on its day', () => {
    const a = agreement([
      proposed(),
      ...signedAll,
      inForce,
      ev('AgreementWithdrawn', '2020-04-01', { party: 'AUS', effectiveOn: '2020-04-20' }),
    ]);
    const [before] = milestonesOf(a, '2020-04-02');
    expect(before).toMatchObject({
      kind: 'withdrawal',
      owner: 'ALL',
      dueOn: '2020-04-20',
      status: 'due_soon',
      description: "AUS's withdrawal takes effect",
    });
    expect(milestonesOf(a, '2020-04-20')[0]).toMatchObject({ status: 'met', metOn: '2020-04-20' });
  });

  it('drops the derived review and term once the agreement has ended, keeping committed ones', () => {
    const a = agreement([
      proposed({ reviewEveryMonths: 12, termMonths: 60 }),
      ...signedAll,
      inForce,
      commit('radar', 'JPN', '2020-06-30'),
      ev('AgreementTerminated', '2020-05-01', { reason: 'mutual_consent' }),
    ]);
    expect(milestonesOf(a, '2020-07-01').map((m) => m.milestoneId)).toEqual(['radar']);
  });

  it('derives nothing for a proposal with no terms', () => {
    expect(milestonesOf(agreement([proposed()]), '2020-01-10')).toEqual([]);
  });
});

describe('terms as treaties write them', () => {
  it('a fixed term ends unless renewed: overdue once past', () => {
    const a = agreement([proposed({ termMonths: 12 }), ...signedAll, inForce]);
    expect(milestonesOf(a, '2021-03-02').find((m) => m.kind === 'term_end')).toMatchObject({
      dueOn: '2021-03-01',
      status: 'overdue',
    });
  });

  it('a minimum duration is a date from which a party may denounce: never overdue', () => {
    const a = agreement([proposed({ denounceableAfterMonths: 12 }), ...signedAll, inForce]);
    expect(a.denounceableFrom).toBe('2021-03-01');
    const [before] = milestonesOf(a, '2021-02-15');
    expect(before).toMatchObject({
      kind: 'denounceable',
      description: 'May be denounced from',
      status: 'due_soon',
    });
    const [after] = milestonesOf(a, '2030-01-01');
    expect(after).toMatchObject({ kind: 'denounceable', status: 'met', metOn: '2021-03-01' });
    expect(milestonesOf(a, '2030-01-01').some((m) => m.status === 'overdue')).toBe(false);
  });

  it('an automatically renewed term rolls on by itself: its end is never overdue', () => {
    const a = agreement([proposed({ termMonths: 12, renewsEveryMonths: 12 }), ...signedAll, inForce]);
    const term = milestonesOf(a, '2030-01-01').find((m) => m.kind === 'term_end');
    expect(term).toMatchObject({ description: 'Term renews automatically (every 12 months)', status: 'met' });
  });
});
