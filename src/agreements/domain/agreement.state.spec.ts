import { describe, expect, it } from '@jest/globals';
import {
  EVENT_EXAMPLES,
  EVENT_TYPES,
  eventDataSchemas,
  type AgreementEvent,
  type AgreementEventType,
  type EventData,
} from './agreement.events.js';
import {
  evolve,
  fold,
  initialState,
  type Agreement,
  type AgreementState,
  settle,
} from './agreement.state.js';
import { isCalendarDate, type IsoDate } from './agreement.values.js';
import { addMonths, daysBetween } from './dates.js';

const ID = 'usa-jpn-2026';

function ev<T extends AgreementEventType>(type: T, occurredOn: IsoDate, data: EventData<T>): AgreementEvent {
  return { type, occurredOn, data } as AgreementEvent;
}

/** Folds the events with `evolve`, tagging them with the stream id; fails unless an agreement results. */
function agreementAfter(events: AgreementEvent[]): Agreement {
  const state = events.reduce<AgreementState>((s, e) => evolve(s, { ...e, streamId: ID }), initialState());
  if (state.status === 'none') throw new Error('expected an agreement');
  return state;
}

const proposed = (data: Partial<EventData<'AgreementProposed'>> = {}, on = '2026-01-10') =>
  ev('AgreementProposed', on, {
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['mutual_defense', 'consultation'],
    ...data,
  });
const signedBy = (party: string, on: IsoDate) => ev('AgreementSigned', on, { party });
const inForce = (on: IsoDate) => ev('AgreementEnteredIntoForce', on, {});

/** Bilateral, signed 2026-02-01 / 2026-02-15, in force 2026-03-01. */
const IN_FORCE = [
  proposed(),
  signedBy('USA', '2026-02-01'),
  signedBy('JPN', '2026-02-15'),
  inForce('2026-03-01'),
];

describe('evolve', () => {
  describe('proposal', () => {
    it('starts a proposed agreement whose id is the stream id', () => {
      const a = agreementAfter([proposed({ objectives: ['Deter aggression'], facilitator: 'NATO' })]);
      expect(a).toMatchObject({
        status: 'proposed',
        id: ID,
        title: 'Treaty of Mutual Cooperation and Security',
        parties: ['USA', 'JPN'],
        provisions: ['mutual_defense', 'consultation'],
        objectives: ['Deter aggression'],
        facilitator: 'NATO',
        termsVersion: 1,
        proposedOn: '2026-01-10',
        lastEventOn: '2026-01-10',
        signatures: {},
        milestones: {},
        contributions: {},
        exerciseCount: 0,
        consultationCount: 0,
      });
      expect(a.signedOn).toBeUndefined();
      expect(a.termEndsOn).toBeUndefined();
      expect(a.nextReviewDue).toBeUndefined();
    });

    it('leaves a new stream untouched by any other event', () => {
      expect(evolve(initialState(), signedBy('USA', '2026-02-01'))).toEqual({ status: 'none' });
    });

    it('fold is evolve applied in order', () => {
      const events = IN_FORCE.map((e) => ({ ...e, streamId: ID }));
      expect(fold(events)).toEqual(agreementAfter(IN_FORCE));
    });
  });

  describe('status transitions', () => {
    it('stays proposed until every party has signed', () => {
      const a = agreementAfter([proposed(), signedBy('USA', '2026-02-01')]);
      expect(a.status).toBe('proposed');
      expect(a.signatures).toEqual({ USA: '2026-02-01' });
      expect(a.signedOn).toBeUndefined();
    });

    it('is signed once all parties have signed, signedOn being the last signature date', () => {
      const a = agreementAfter([proposed(), signedBy('USA', '2026-02-01'), signedBy('JPN', '2026-02-15')]);
      expect(a).toMatchObject({ status: 'signed', signedOn: '2026-02-15' });
      expect(a.signatures).toEqual({ USA: '2026-02-01', JPN: '2026-02-15' });
    });

    it('takes signedOn from the latest signature date even when signatures are backfilled out of order', () => {
      // JPN's earlier signature is recorded after USA's later one (backfilling is normal, DESIGN §4):
      // the agreement was signed by all its parties only on 2026-05-01.
      const a = agreementAfter([proposed(), signedBy('USA', '2026-05-01'), signedBy('JPN', '2026-03-01')]);
      expect(a).toMatchObject({ status: 'signed', signedOn: '2026-05-01' });
    });

    it('enters into force', () => {
      expect(agreementAfter(IN_FORCE)).toMatchObject({ status: 'in_force', inForceOn: '2026-03-01' });
    });

    it('is suspended and resumed', () => {
      const suspended = [...IN_FORCE, ev('AgreementSuspended', '2026-06-01', { reason: 'Coup' })];
      expect(agreementAfter(suspended)).toMatchObject({ status: 'suspended', suspendedOn: '2026-06-01' });
      const resumed = agreementAfter([
        ...suspended,
        ev('AgreementResumed', '2026-09-01', { reason: 'Restored' }),
      ]);
      expect(resumed.status).toBe('in_force');
      expect(resumed.suspendedOn).toBeUndefined();
    });

    it('a withdrawal announced for later is a notice: the party stays, the status stands, the notice is pending', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('AgreementWithdrawn', '2026-07-01', {
          party: 'JPN',
          reason: 'Policy change',
          effectiveOn: '2027-01-01',
        }),
      ]);
      expect(a).toMatchObject({
        status: 'in_force',
        parties: ['USA', 'JPN'],
        formerParties: [],
        pendingWithdrawals: [
          { party: 'JPN', noticeOn: '2026-07-01', effectiveOn: '2027-01-01', reason: 'Policy change' },
        ],
        withdrawalEffectiveOn: '2027-01-01',
      });
      expect(a.endedOn).toBeUndefined();
      // The day before it takes effect nothing has changed; on the day, a bilateral agreement ends.
      expect(settle(a, '2026-12-31')).toBe(a);
      expect(settle(a, '2027-01-01')).toMatchObject({
        status: 'withdrawn',
        endedOn: '2027-01-01',
        endReason: 'withdrawn',
        parties: ['USA'],
        formerParties: [{ party: 'JPN', withdrawnOn: '2027-01-01', reason: 'Policy change' }],
      });
      expect(settle(a, '2027-01-01').pendingWithdrawals).toBeUndefined();
    });

    it('a rescinded notice is gone: nothing takes effect on its day', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('AgreementWithdrawn', '2026-07-01', { party: 'JPN', effectiveOn: '2027-01-01' }),
        ev('WithdrawalRescinded', '2026-09-01', { party: 'JPN' }),
      ]);
      expect(a.pendingWithdrawals).toBeUndefined();
      expect(a.withdrawalEffectiveOn).toBeUndefined();
      expect(settle(a, '2030-01-01')).toMatchObject({ status: 'in_force', parties: ['USA', 'JPN'] });
    });

    it('ends a bilateral agreement on the withdrawal date when no effective date is given', () => {
      const a = agreementAfter([...IN_FORCE, ev('AgreementWithdrawn', '2026-07-01', { party: 'JPN' })]);
      expect(a).toMatchObject({ status: 'withdrawn', endedOn: '2026-07-01', parties: ['USA'] });
      expect(a.formerParties).toEqual([{ party: 'JPN', withdrawnOn: '2026-07-01' }]);
      expect(a.withdrawalEffectiveOn).toBeUndefined();
    });

    it('ends a bilateral proposal withdrawn before signature', () => {
      const a = agreementAfter([proposed(), ev('AgreementWithdrawn', '2026-01-20', { party: 'USA' })]);
      expect(a).toMatchObject({ status: 'withdrawn', endedOn: '2026-01-20', parties: ['JPN'] });
    });

    it('keeps a three-party agreement open with two parties when one leaves', () => {
      const a = agreementAfter([
        proposed({ parties: ['USA', 'JPN', 'AUS'] }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-02'),
        signedBy('AUS', '2026-02-03'),
        inForce('2026-03-01'),
        ev('AgreementWithdrawn', '2026-07-01', { party: 'AUS' }),
      ]);
      expect(a).toMatchObject({ status: 'in_force', parties: ['USA', 'JPN'] });
      expect(a.formerParties).toEqual([{ party: 'AUS', withdrawnOn: '2026-07-01' }]);
      expect(a.endedOn).toBeUndefined();
    });

    it('becomes signed when the only party yet to sign leaves a three-party proposal', () => {
      const a = agreementAfter([
        proposed({ parties: ['USA', 'JPN', 'AUS'] }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-02'),
        ev('AgreementWithdrawn', '2026-04-01', { party: 'AUS' }),
      ]);
      expect(a).toMatchObject({ status: 'signed', signedOn: '2026-04-01', parties: ['USA', 'JPN'] });
    });

    it('is terminated', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('AgreementTerminated', '2026-08-01', { reason: 'superseded', supersededBy: 'usa-jpn-2027' }),
      ]);
      expect(a).toMatchObject({
        status: 'terminated',
        endedOn: '2026-08-01',
        endReason: 'superseded',
        supersededBy: 'usa-jpn-2027',
      });
    });
  });

  describe('derived dates', () => {
    it('ends the term termMonths after entry into force', () => {
      const a = agreementAfter([
        proposed({ termMonths: 120 }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-15'),
        inForce('2026-03-31'),
      ]);
      expect(a.termEndsOn).toBe('2036-03-31');
    });

    it('clamps the term end to the last day of the month', () => {
      const a = agreementAfter([
        proposed({ termMonths: 11 }, '2023-01-10'),
        signedBy('USA', '2023-02-01'),
        signedBy('JPN', '2023-02-15'),
        inForce('2023-03-31'),
      ]);
      expect(a.termEndsOn).toBe('2024-02-29');
    });

    it('has no term end without termMonths', () => {
      expect(agreementAfter(IN_FORCE).termEndsOn).toBeUndefined();
    });

    it('recomputes the term end when an amendment changes termMonths', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('AgreementAmended', '2026-05-01', { summary: 'Fixed term', changes: { termMonths: 24 } }),
      ]);
      expect(a.termEndsOn).toBe('2028-03-01');
    });

    it('takes the term end from AgreementRenewed, over termMonths', () => {
      const history = [
        proposed({ termMonths: 60 }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-15'),
        inForce('2026-03-01'),
      ];
      expect(agreementAfter(history).termEndsOn).toBe('2031-03-01');
      const renewed = [...history, ev('AgreementRenewed', '2026-10-01', { newTermEndsOn: '2040-12-31' })];
      expect(agreementAfter(renewed)).toMatchObject({ termEndsOn: '2040-12-31', renewedUntil: '2040-12-31' });
      const amended = [
        ...renewed,
        ev('AgreementAmended', '2026-11-01', { summary: 'Term', changes: { termMonths: 12 } }),
      ];
      expect(agreementAfter(amended).termEndsOn).toBe('2040-12-31');
    });

    it('schedules the next review reviewEveryMonths after entry into force', () => {
      const a = agreementAfter([
        proposed({ reviewEveryMonths: 12 }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-15'),
        inForce('2026-03-01'),
      ]);
      expect(a.nextReviewDue).toBe('2027-03-01');
    });

    it('schedules the next review from the last review, or takes the due date the review set', () => {
      const history = [
        proposed({ reviewEveryMonths: 12 }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-15'),
        inForce('2026-03-01'),
        ev('ReviewConducted', '2026-09-15', { outcome: 'reaffirmed' }),
      ];
      const reviewed = agreementAfter(history);
      expect(reviewed.nextReviewDue).toBe('2027-09-15');
      expect(reviewed.lastReview).toEqual({ on: '2026-09-15', outcome: 'reaffirmed' });

      const withDue = [
        ...history,
        ev('ReviewConducted', '2026-10-01', { outcome: 'concerns_raised', nextReviewDue: '2027-01-15' }),
      ];
      expect(agreementAfter(withDue).nextReviewDue).toBe('2027-01-15');

      const again = [...withDue, ev('ReviewConducted', '2026-11-01', { outcome: 'reaffirmed' })];
      expect(agreementAfter(again).nextReviewDue).toBe('2027-11-01');
    });

    it('takes a review due date even without a review cycle', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('ReviewConducted', '2026-09-15', {
          outcome: 'amendment_recommended',
          nextReviewDue: '2027-03-15',
        }),
      ]);
      expect(a.nextReviewDue).toBe('2027-03-15');
    });

    it('keeps the latest review when an older one is backfilled', () => {
      const a = agreementAfter([
        proposed({ reviewEveryMonths: 12 }),
        signedBy('USA', '2026-02-01'),
        signedBy('JPN', '2026-02-15'),
        inForce('2026-03-01'),
        ev('ReviewConducted', '2026-10-01', { outcome: 'reaffirmed' }),
        ev('ReviewConducted', '2026-04-01', { outcome: 'concerns_raised' }),
      ]);
      expect(a.lastReview).toEqual({ on: '2026-10-01', outcome: 'reaffirmed' });
      expect(a.nextReviewDue).toBe('2027-10-01');
    });

    it('keeps lastEventOn at the latest business date', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('ConsultationHeld', '2026-02-20', { level: 'working', topics: ['x'] }),
      ]);
      expect(a.lastEventOn).toBe('2026-03-01');
    });
  });

  describe('activity', () => {
    it('counts exercises and keeps the one that started last', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('ExerciseHeld', '2026-06-10', {
          name: 'Keen Sword',
          startedOn: '2026-06-01',
          endedOn: '2026-06-10',
          participants: ['USA', 'JPN'],
        }),
        ev('ExerciseHeld', '2026-06-20', {
          name: 'Orient Shield',
          startedOn: '2026-04-01',
          participants: ['USA'],
        }),
      ]);
      expect(a.exerciseCount).toBe(2);
      expect(a.lastExercise).toEqual({ name: 'Keen Sword', startedOn: '2026-06-01', endedOn: '2026-06-10' });
    });

    it('counts consultations', () => {
      const held = ev('ConsultationHeld', '2026-05-01', { level: 'summit', topics: ['posture'] });
      expect(agreementAfter([...IN_FORCE, held, held]).consultationCount).toBe(2);
    });

    it('applies an amendment and bumps the terms version', () => {
      const a = agreementAfter([
        proposed({ objectives: ['Deter'] }),
        ev('AgreementAmended', '2026-01-20', {
          summary: 'Adds intelligence sharing',
          changes: { provisions: ['mutual_defense', 'intelligence_sharing'], reviewEveryMonths: 6 },
        }),
      ]);
      expect(a).toMatchObject({
        termsVersion: 2,
        provisions: ['mutual_defense', 'intelligence_sharing'],
        objectives: ['Deter'],
        reviewEveryMonths: 6,
      });
    });

    it('records ratifications and accessions (an acceding state counts as having signed)', () => {
      const a = agreementAfter([
        ...IN_FORCE,
        ev('AgreementRatified', '2026-03-10', { party: 'JPN', instrument: 'acceptance' }),
        ev('PartyAcceded', '2026-04-01', { party: 'AUS' }),
      ]);
      expect(a.ratifications).toEqual({ JPN: { instrument: 'acceptance', on: '2026-03-10' } });
      expect(a.parties).toEqual(['USA', 'JPN', 'AUS']);
      expect(a.accessions).toEqual({ AUS: '2026-04-01' });
      expect(a.signatures.AUS).toBe('2026-04-01');
    });

    it('sums contributions per party and per "category:unit"', () => {
      const contribution = (party: string, category: 'funding' | 'personnel', amount: number, unit: string) =>
        ev('ContributionRecorded', '2026-05-01', { party, category, amount, unit });
      const a = agreementAfter([
        ...IN_FORCE,
        contribution('JPN', 'funding', 100, 'JPY'),
        contribution('JPN', 'funding', 50, 'JPY'),
        contribution('JPN', 'funding', 7, 'USD'),
        contribution('USA', 'personnel', 1200, 'troops'),
        contribution('JPN', 'personnel', 30, 'troops'),
        contribution('USA', 'personnel', 300, 'troops'),
      ]);
      expect(a.contributions).toEqual({
        JPN: { 'funding:JPY': 150, 'funding:USD': 7, 'personnel:troops': 30 },
        USA: { 'personnel:troops': 1500 },
      });
    });

    it('commits milestones and marks them met', () => {
      const committed = ev('MilestoneCommitted', '2026-03-05', {
        milestoneId: 'm-1',
        description: 'Agree host-nation support',
        owner: 'JPN',
        dueOn: '2026-12-31',
      });
      const open = agreementAfter([...IN_FORCE, committed]);
      expect(open.milestones).toEqual({
        'm-1': {
          description: 'Agree host-nation support',
          owner: 'JPN',
          dueOn: '2026-12-31',
          committedOn: '2026-03-05',
        },
      });
      const met = agreementAfter([
        ...IN_FORCE,
        committed,
        ev('MilestoneMet', '2026-10-01', { milestoneId: 'm-1', evidence: 'Signed SMA' }),
      ]);
      expect(met.milestones['m-1']).toMatchObject({ metOn: '2026-10-01', evidence: 'Signed SMA' });
    });

    it('ignores meeting a milestone that was never committed', () => {
      const a = agreementAfter([...IN_FORCE, ev('MilestoneMet', '2026-10-01', { milestoneId: 'ghost' })]);
      expect(a.milestones).toEqual({});
    });
  });
});

describe('calendar values', () => {
  it.each([
    ['2020-01-31', 1, '2020-02-29'],
    ['2021-01-31', 1, '2021-02-28'],
    ['2020-02-29', 12, '2021-02-28'],
    ['2019-11-30', 3, '2020-02-29'],
    ['2020-12-15', 1, '2021-01-15'],
    ['2020-03-31', -1, '2020-02-29'],
    ['2020-05-31', 1, '2020-06-30'],
    ['2026-03-01', 120, '2036-03-01'],
    ['2026-03-01', 0, '2026-03-01'],
  ])('addMonths(%s, %i) = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each(['2024-02-29', '2000-02-29', '1800-01-01', '2023-12-31', '9999-12-31', '0001-01-01', '0099-06-15'])(
    'isCalendarDate(%s) is true',
    (date) => {
      expect(isCalendarDate(date)).toBe(true);
    },
  );

  it.each([
    '2023-02-30',
    '2023-02-29',
    '1900-02-29',
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '2023-01-00',
    '0000-01-01',
    '2023-1-01',
    '20230101',
    '2023-01-01T00:00:00Z',
    ' 2023-01-01',
    '',
  ])('isCalendarDate(%j) is false', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });

  it.each([
    ['2026-11-28', '2026-11-28', 0],
    ['2020-02-28', '2020-03-01', 2],
    ['2021-02-28', '2021-03-01', 1],
    ['2023-01-01', '2024-01-01', 365],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-28', '2026-03-30', 2],
    ['2026-03-01', '2026-02-01', -28],
  ])('daysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });
});

describe('eventDataSchemas', () => {
  const proposal = { title: 'Treaty', parties: ['USA', 'JPN'], provisions: ['mutual_defense'] };
  const parsesProposal = (data: object) =>
    eventDataSchemas.AgreementProposed.safeParse({ ...proposal, ...data }).success;

  it.each(EVENT_TYPES)('parses the %s example with its own schema', (type) => {
    const example = EVENT_EXAMPLES[type];
    const result = eventDataSchemas[type].safeParse(example);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(example);
  });

  it('has exactly one example per event type', () => {
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('refuses unknown fields, at the top level and nested', () => {
    expect(parsesProposal({ secretAnnex: 'x' })).toBe(false);
    expect(eventDataSchemas.AgreementSigned.safeParse({ party: 'USA', extra: 1 }).success).toBe(false);
    expect(eventDataSchemas.AgreementEnteredIntoForce.safeParse({ on: '2026-03-01' }).success).toBe(false);
    const amended = { summary: 'x', changes: { termMonths: 12, parties: ['AUS'] } };
    expect(eventDataSchemas.AgreementAmended.safeParse(amended).success).toBe(false);
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['backspace', '\b'],
    ['vertical tab', '\u000B'],
    ['form feed', '\f'],
    ['carriage return', '\r'],
    ['escape', '\u001B'],
    ['unit separator', '\u001F'],
    ['DEL', '\u007F'],
    ['C1 next line', '\u0085'],
    ['C1 control sequence introducer', '\u009B'],
  ])('refuses the control character %s in text', (_name, char) => {
    expect(parsesProposal({ title: `Treaty${char}of Friendship` })).toBe(false);
  });

  it('accepts newlines and tabs in text', () => {
    expect(parsesProposal({ title: 'Treaty\nof\tFriendship' })).toBe(true);
  });

  it.each([
    ['lone high surrogate', 'Treaty \uD800'],
    ['lone low surrogate', '\uDC00 Treaty'],
  ])('refuses a %s', (_name, title) => {
    expect(parsesProposal({ title })).toBe(false);
  });

  it('accepts characters outside the Basic Multilingual Plane', () => {
    expect(parsesProposal({ title: 'Traité 🤝 条約' })).toBe(true);
  });

  it.each([
    ['no party', []],
    ['one party', ['USA']],
    ['a repeated party', ['USA', 'USA']],
    ['a party repeated later', ['USA', 'JPN', 'USA']],
    ['a lower-case code', ['usa', 'JPN']],
    ['a two-letter code', ['US', 'JP']],
  ])('refuses parties with %s', (_name, parties) => {
    expect(parsesProposal({ parties })).toBe(false);
  });

  it.each([
    ['two ISO codes', ['USA', 'JPN']],
    ['a historical state', ['COW-BAV', 'FRA']],
    ['many parties', ['USA', 'GBR', 'AUS', 'JPN', 'KOR']],
  ])('accepts parties with %s', (_name, parties) => {
    expect(parsesProposal({ parties })).toBe(true);
  });
});
