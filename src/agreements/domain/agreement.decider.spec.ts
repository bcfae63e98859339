import { describe, expect, it } from '@jest/globals';
import { commandFor, type AgreementCommand } from './agreement.commands.js';
import { decideAll } from './agreement.decider.js';
import {
  EVENT_TYPES,
  type AgreementEvent,
  type AgreementEventType,
  type EventData,
} from './agreement.events.js';
import type { Agreement, AgreementState, OpenStatus } from './agreement.state.js';
import type { IsoDate } from './agreement.values.js';
import { DEFAULT_STREAM_ID as ID, given } from './testing/decider.specification.js';

/*
 * Expectations come from DESIGN §4 ("allowed when" column, named refusals, date rules).
 * Fixed calendar: proposed 2026-01-10, signed by USA 2026-02-01 and JPN 2026-02-15,
 * milestone m-1 committed 2026-02-20, in force 2026-03-01, suspended 2026-06-01;
 * commands are dated 2026-11-20 and today is 2026-11-28.
 */
const TODAY = '2026-11-28';
const ON = '2026-11-20';
const PROPOSED_ON = '2026-01-10';

/**
 * Every event recorded by status (a retraction is decided on the stream's history, a link in any
 * status: each tested on its own).
 */
type Recordable = Exclude<AgreementEventType, 'AgreementProposed' | 'EventRetracted' | 'AgreementLinked'>;
const RECORDABLE = EVENT_TYPES.filter(
  (t): t is Recordable => t !== 'AgreementProposed' && t !== 'EventRetracted' && t !== 'AgreementLinked',
);

function ev<T extends AgreementEventType>(type: T, occurredOn: IsoDate, data: EventData<T>): AgreementEvent {
  return { type, occurredOn, data } as AgreementEvent;
}

function cmd<T extends AgreementEventType>(
  type: T,
  data: EventData<T>,
  occurredOn: IsoDate = ON,
): AgreementCommand {
  return commandFor(type, { agreementId: ID, occurredOn, data, today: TODAY });
}

const PROPOSAL: EventData<'AgreementProposed'> = {
  title: 'Treaty of Mutual Cooperation and Security',
  parties: ['USA', 'JPN'],
  provisions: ['mutual_defense', 'consultation'],
};
const PROPOSED = [ev('AgreementProposed', PROPOSED_ON, PROPOSAL)];
/** Still proposed: only USA has signed. */
const HALF_SIGNED = [...PROPOSED, ev('AgreementSigned', '2026-02-01', { party: 'USA' })];
/** Signed by both parties, with an open milestone m-1 owned by JPN. */
const SIGNED = [
  ...HALF_SIGNED,
  ev('AgreementSigned', '2026-02-15', { party: 'JPN' }),
  ev('MilestoneCommitted', '2026-02-20', {
    milestoneId: 'm-1',
    description: 'Agree host-nation support',
    owner: 'JPN',
    dueOn: '2026-12-31',
  }),
];
const IN_FORCE = [...SIGNED, ev('AgreementEnteredIntoForce', '2026-03-01', {})];
const SUSPENDED = [...IN_FORCE, ev('AgreementSuspended', '2026-06-01', { reason: 'Coup in a member state' })];
const WITHDRAWN = [
  ...IN_FORCE,
  ev('AgreementWithdrawn', '2026-07-01', { party: 'JPN', reason: 'Policy change' }),
];
const TERMINATED = [...IN_FORCE, ev('AgreementTerminated', '2026-08-01', { reason: 'mutual_consent' })];

const HISTORY: Record<OpenStatus, AgreementEvent[]> = {
  proposed: HALF_SIGNED,
  signed: SIGNED,
  in_force: IN_FORCE,
  suspended: SUSPENDED,
};

/** Data for each event that is valid, given the histories above, in every status allowing the event. */
const SAMPLE: { [T in Recordable]: EventData<T> } = {
  AgreementSigned: { party: 'JPN', signatory: 'Foreign Minister' },
  ExerciseHeld: {
    name: 'Keen Sword',
    startedOn: '2026-11-01',
    endedOn: '2026-11-10',
    participants: ['USA', 'JPN'],
  },
  ReviewConducted: { outcome: 'reaffirmed', findings: 'Sound.', nextReviewDue: '2027-11-20' },
  AgreementAmended: {
    summary: 'Adds intelligence sharing',
    changes: { provisions: ['intelligence_sharing'] },
  },
  AgreementWithdrawn: { party: 'JPN', reason: 'Policy change' },
  AgreementRatified: { party: 'USA', instrument: 'ratification' },
  AgreementEnteredIntoForce: {},
  PartyAcceded: { party: 'AUS' },
  MilestoneCommitted: {
    milestoneId: 'm-2',
    description: 'Open a joint depot',
    owner: 'USA',
    dueOn: '2027-06-30',
  },
  MilestoneMet: { milestoneId: 'm-1', evidence: 'Special Measures Agreement signed' },
  ConsultationHeld: { level: 'ministerial', topics: ['force posture'] },
  ContributionRecorded: { party: 'JPN', category: 'funding', amount: 1_000_000, unit: 'JPY' },
  AgreementSuspended: { reason: 'Coup in a member state' },
  AgreementResumed: { reason: 'Constitutional order restored' },
  AgreementRenewed: { newTermEndsOn: '2036-11-20' },
  AgreementTerminated: { reason: 'superseded', supersededBy: 'usa-jpn-2027' },
  ReservationMade: {
    party: 'JPN',
    text: 'Article 5 covers only territories Japan administers',
    articles: ['5'],
  },
  // Needs a reservation to withdraw: its own tests below.
  ReservationWithdrawn: { party: 'JPN', reservationId: 'JPN-1' },
  DeclarationMade: { party: 'USA', text: 'Article 6 includes forces afloat' },
  ObjectionMade: { party: 'USA', toParty: 'JPN', text: 'Incompatible with the object and purpose' },
  ProvisionalApplicationStarted: { party: 'JPN' },
  SuccessionNotified: { party: 'KOR', predecessor: 'JPN' },
  // Needs a notice to rescind: its own tests below.
  WithdrawalRescinded: { party: 'JPN' },
};

const sampleCommand = (type: Recordable) => cmd(type, SAMPLE[type]);
const sampleEvent = (type: Recordable) => ev(type, ON, SAMPLE[type]);

/** DESIGN §4 "allowed when" (ratification: once that party has signed; a milestone is met while open). */
const ALLOWED_WHEN: Record<OpenStatus, Recordable[]> = {
  proposed: [
    'AgreementSigned',
    'AgreementAmended',
    'AgreementWithdrawn',
    'AgreementRatified',
    'MilestoneMet',
    'AgreementTerminated',
    'ReservationMade',
    'ReservationWithdrawn',
    'DeclarationMade',
    'ObjectionMade',
    'ProvisionalApplicationStarted',
    'WithdrawalRescinded',
  ],
  signed: [
    'ExerciseHeld',
    'ReviewConducted',
    'AgreementAmended',
    'AgreementWithdrawn',
    'AgreementRatified',
    'AgreementEnteredIntoForce',
    'PartyAcceded',
    'MilestoneCommitted',
    'MilestoneMet',
    'ConsultationHeld',
    'ContributionRecorded',
    'AgreementTerminated',
    'ReservationMade',
    'ReservationWithdrawn',
    'DeclarationMade',
    'ObjectionMade',
    'ProvisionalApplicationStarted',
    'SuccessionNotified',
    'WithdrawalRescinded',
  ],
  in_force: [
    'ExerciseHeld',
    'ReviewConducted',
    'AgreementAmended',
    'AgreementWithdrawn',
    'AgreementRatified',
    'PartyAcceded',
    'MilestoneCommitted',
    'MilestoneMet',
    'ConsultationHeld',
    'ContributionRecorded',
    'AgreementSuspended',
    'AgreementRenewed',
    'AgreementTerminated',
    'ReservationMade',
    'ReservationWithdrawn',
    'DeclarationMade',
    'ObjectionMade',
    'SuccessionNotified',
    'WithdrawalRescinded',
  ],
  suspended: [
    'ReviewConducted',
    'AgreementWithdrawn',
    'MilestoneMet',
    'ConsultationHeld',
    'AgreementResumed',
    'AgreementTerminated',
    'ReservationWithdrawn',
    'SuccessionNotified',
    'WithdrawalRescinded',
  ],
};

/**
 * The named refusal for every event not allowed in a status: before all parties signed, nothing
 * past the proposal stage (AgreementNotSigned); signatures only while proposed
 * (AgreementAlreadySigned); in-force-only acts need it in force; resumption needs a suspension;
 * everything else stops while suspended.
 */
const REFUSED_WHEN: Record<OpenStatus, Partial<Record<Recordable, string>>> = {
  proposed: {
    ExerciseHeld: 'AgreementNotSigned',
    ReviewConducted: 'AgreementNotSigned',
    AgreementEnteredIntoForce: 'AgreementNotSigned',
    PartyAcceded: 'AgreementNotSigned',
    MilestoneCommitted: 'AgreementNotSigned',
    ConsultationHeld: 'AgreementNotSigned',
    ContributionRecorded: 'AgreementNotSigned',
    AgreementSuspended: 'AgreementNotSigned',
    AgreementResumed: 'AgreementNotSigned',
    AgreementRenewed: 'AgreementNotSigned',
    SuccessionNotified: 'AgreementNotSigned',
  },
  signed: {
    AgreementSigned: 'AgreementAlreadySigned',
    AgreementSuspended: 'AgreementNotInForce',
    AgreementResumed: 'AgreementNotSuspended',
    AgreementRenewed: 'AgreementNotInForce',
  },
  in_force: {
    AgreementSigned: 'AgreementAlreadySigned',
    AgreementEnteredIntoForce: 'AgreementAlreadyInForce',
    AgreementResumed: 'AgreementNotSuspended',
    ProvisionalApplicationStarted: 'AgreementAlreadyInForce',
  },
  suspended: {
    AgreementSigned: 'AgreementAlreadySigned',
    ExerciseHeld: 'AgreementSuspended',
    AgreementAmended: 'AgreementSuspended',
    AgreementRatified: 'AgreementSuspended',
    AgreementEnteredIntoForce: 'AgreementSuspended',
    PartyAcceded: 'AgreementSuspended',
    MilestoneCommitted: 'AgreementSuspended',
    ContributionRecorded: 'AgreementSuspended',
    AgreementSuspended: 'AgreementSuspended',
    AgreementRenewed: 'AgreementSuspended',
    ReservationMade: 'AgreementSuspended',
    DeclarationMade: 'AgreementSuspended',
    ObjectionMade: 'AgreementSuspended',
    ProvisionalApplicationStarted: 'AgreementSuspended',
  },
};

const asAgreement = (state: AgreementState): Agreement => {
  if (state.status === 'none') throw new Error('expected an agreement');
  return state;
};

/** Every event allowed in the status is recorded as is; every other one gets its named refusal. */
function statusTable(status: OpenStatus, skip: Recordable[] = []) {
  it('the table covers every event type exactly once', () => {
    const refused = Object.keys(REFUSED_WHEN[status]);
    expect([...ALLOWED_WHEN[status], ...refused].sort()).toEqual([...RECORDABLE].sort());
  });

  it.each(ALLOWED_WHEN[status].filter((t) => !skip.includes(t)))('records %s', (type) => {
    given(HISTORY[status])
      .when(sampleCommand(type))
      .then([sampleEvent(type)]);
  });

  it.each(Object.entries(REFUSED_WHEN[status]) as [Recordable, string][])(
    'refuses %s with %s',
    (type, code) => {
      given(HISTORY[status]).when(sampleCommand(type)).thenThrows(code);
    },
  );
}

describe('decide', () => {
  describe('on a new stream', () => {
    it('records AgreementProposed', () => {
      const state = given([])
        .when(cmd('AgreementProposed', PROPOSAL, PROPOSED_ON))
        .then([ev('AgreementProposed', PROPOSED_ON, PROPOSAL)]);
      expect(state).toMatchObject({ status: 'proposed', id: ID, proposedOn: PROPOSED_ON });
    });

    it('accepts a proposal dated today', () => {
      given([])
        .when(cmd('AgreementProposed', PROPOSAL, TODAY))
        .then([ev('AgreementProposed', TODAY, PROPOSAL)]);
    });

    it('refuses a proposal dated in the future with DateInFuture', () => {
      const error = given([])
        .when(cmd('AgreementProposed', PROPOSAL, '2026-11-29'))
        .thenThrows('DateInFuture');
      expect(error).toMatchObject({ kind: 'invalid', field: 'occurredOn' });
    });

    it.each(RECORDABLE)('refuses %s with AgreementNotFound', (type) => {
      const error = given([]).when(sampleCommand(type)).thenThrows('AgreementNotFound');
      expect(error.kind).toBe('not_found');
    });
  });

  describe('when proposed', () => {
    statusTable('proposed', ['MilestoneMet', 'ReservationWithdrawn', 'WithdrawalRescinded']);

    it('lets MilestoneMet past the status check, but no milestone can exist yet: MilestoneNotFound', () => {
      given(HALF_SIGNED).when(sampleCommand('MilestoneMet')).thenThrows('MilestoneNotFound');
    });

    it('records a first signature and stays proposed', () => {
      const state = given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'USA' }))
        .then([ev('AgreementSigned', ON, { party: 'USA' })]);
      expect(state.status).toBe('proposed');
    });

    it('becomes signed with the last signature', () => {
      const state = given(HALF_SIGNED)
        .when(cmd('AgreementSigned', { party: 'JPN' }))
        .then([ev('AgreementSigned', ON, { party: 'JPN' })]);
      expect(state).toMatchObject({ status: 'signed', signedOn: ON });
    });

    it('refuses a second signature by the same party with PartyAlreadySigned', () => {
      const error = given(HALF_SIGNED)
        .when(cmd('AgreementSigned', { party: 'USA' }))
        .thenThrows('PartyAlreadySigned');
      expect(error.field).toBe('data.party');
    });

    it('refuses a signature by a non-party with NotAParty', () => {
      const error = given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'AUS' }))
        .thenThrows('NotAParty');
      expect(error.field).toBe('data.party');
    });

    it('refuses ratification by a party that has not signed with PartyNotSigned', () => {
      given(HALF_SIGNED)
        .when(cmd('AgreementRatified', { party: 'JPN', instrument: 'acceptance' }))
        .thenThrows('PartyNotSigned');
    });

    it('refuses ratification by a non-party with NotAParty', () => {
      given(HALF_SIGNED)
        .when(cmd('AgreementRatified', { party: 'AUS', instrument: 'approval' }))
        .thenThrows('NotAParty');
    });

    it('refuses a second ratification with PartyAlreadyRatified', () => {
      given([
        ...HALF_SIGNED,
        ev('AgreementRatified', '2026-03-01', { party: 'USA', instrument: 'ratification' }),
      ])
        .when(cmd('AgreementRatified', { party: 'USA', instrument: 'ratification' }))
        .thenThrows('PartyAlreadyRatified');
    });

    it('refuses a withdrawal by a non-party with NotAParty', () => {
      given(PROPOSED)
        .when(cmd('AgreementWithdrawn', { party: 'AUS' }))
        .thenThrows('NotAParty');
    });

    it('refuses to propose the same agreement again with AgreementAlreadyExists', () => {
      const error = given(PROPOSED)
        .when(cmd('AgreementProposed', PROPOSAL))
        .thenThrows('AgreementAlreadyExists');
      expect(error.kind).toBe('conflict');
    });

    it('closes a bilateral proposal withdrawn by one party', () => {
      const state = given(PROPOSED)
        .when(cmd('AgreementWithdrawn', { party: 'JPN' }))
        .then([ev('AgreementWithdrawn', ON, { party: 'JPN' })]);
      expect(state.status).toBe('withdrawn');
    });

    it('accepts an event dated on the proposal day', () => {
      given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'USA' }, PROPOSED_ON))
        .then([ev('AgreementSigned', PROPOSED_ON, { party: 'USA' })]);
    });

    it('refuses an event dated before the proposal with DateBeforeProposal', () => {
      const error = given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'USA' }, '2026-01-09'))
        .thenThrows('DateBeforeProposal');
      expect(error.field).toBe('occurredOn');
    });

    it('accepts an event dated today and refuses one dated tomorrow with DateInFuture', () => {
      given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'USA' }, TODAY))
        .then([ev('AgreementSigned', TODAY, { party: 'USA' })]);
      given(PROPOSED)
        .when(cmd('AgreementSigned', { party: 'USA' }, '2026-11-29'))
        .thenThrows('DateInFuture');
    });
  });

  describe('when signed', () => {
    statusTable('signed', ['ReservationWithdrawn', 'WithdrawalRescinded']);

    it('refuses an exercise with a non-party participant with NotAParty', () => {
      const error = given(SIGNED)
        .when(cmd('ExerciseHeld', { ...SAMPLE.ExerciseHeld, participants: ['USA', 'AUS'] }))
        .thenThrows('NotAParty');
      expect(error.field).toBe('data.participants.1');
    });

    it('refuses an exercise starting in the future with DateInFuture', () => {
      const error = given(SIGNED)
        .when(cmd('ExerciseHeld', { name: 'Keen Sword', startedOn: '2026-12-01', participants: ['USA'] }))
        .thenThrows('DateInFuture');
      expect(error.field).toBe('data.startedOn');
    });

    it('refuses an exercise starting before the proposal with DateBeforeProposal', () => {
      const error = given(SIGNED)
        .when(cmd('ExerciseHeld', { name: 'Keen Sword', startedOn: '2025-12-31', participants: ['USA'] }))
        .thenThrows('DateBeforeProposal');
      expect(error.field).toBe('data.startedOn');
    });

    it('refuses a contribution by a non-party with NotAParty', () => {
      given(SIGNED)
        .when(cmd('ContributionRecorded', { ...SAMPLE.ContributionRecorded, party: 'AUS' }))
        .thenThrows('NotAParty');
    });

    it('refuses a milestone owned by a non-party with NotAParty', () => {
      const error = given(SIGNED)
        .when(cmd('MilestoneCommitted', { ...SAMPLE.MilestoneCommitted, owner: 'AUS' }))
        .thenThrows('NotAParty');
      expect(error.field).toBe('data.owner');
    });

    it('refuses committing the same milestone twice with MilestoneAlreadyCommitted', () => {
      given(SIGNED)
        .when(cmd('MilestoneCommitted', { ...SAMPLE.MilestoneCommitted, milestoneId: 'm-1' }))
        .thenThrows('MilestoneAlreadyCommitted');
    });

    it('refuses the accession of a current party with AlreadyAParty', () => {
      given(SIGNED)
        .when(cmd('PartyAcceded', { party: 'JPN' }))
        .thenThrows('AlreadyAParty');
    });

    it('refuses a review due before it was held with DateOutOfOrder', () => {
      const error = given(SIGNED)
        .when(cmd('ReviewConducted', { outcome: 'concerns_raised', nextReviewDue: '2026-11-19' }))
        .thenThrows('DateOutOfOrder');
      expect(error).toMatchObject({ kind: 'invalid', field: 'data.nextReviewDue' });
    });

    it('accepts a next review due on the review day', () => {
      const data: EventData<'ReviewConducted'> = { outcome: 'reaffirmed', nextReviewDue: ON };
      given(SIGNED)
        .when(cmd('ReviewConducted', data))
        .then([ev('ReviewConducted', ON, data)]);
    });

    it('refuses a withdrawal effective before it was announced with DateOutOfOrder', () => {
      const error = given(SIGNED)
        .when(cmd('AgreementWithdrawn', { party: 'JPN', effectiveOn: '2026-11-01' }))
        .thenThrows('DateOutOfOrder');
      expect(error.field).toBe('data.effectiveOn');
    });

    it('accepts a withdrawal announced now and effective later', () => {
      const data: EventData<'AgreementWithdrawn'> = { party: 'JPN', effectiveOn: '2027-05-20' };
      given(SIGNED)
        .when(cmd('AgreementWithdrawn', data))
        .then([ev('AgreementWithdrawn', ON, data)]);
    });
  });

  describe('when in force', () => {
    statusTable('in_force', ['ReservationWithdrawn', 'WithdrawalRescinded']);

    it('refuses a renewal ending before it was agreed with DateOutOfOrder', () => {
      const error = given(IN_FORCE)
        .when(cmd('AgreementRenewed', { newTermEndsOn: '2026-11-19' }))
        .thenThrows('DateOutOfOrder');
      expect(error.field).toBe('data.newTermEndsOn');
    });

    it('refuses meeting an unknown milestone with MilestoneNotFound', () => {
      given(IN_FORCE)
        .when(cmd('MilestoneMet', { milestoneId: 'm-9' }))
        .thenThrows('MilestoneNotFound');
    });

    it('refuses meeting a milestone twice with MilestoneAlreadyMet', () => {
      given([...IN_FORCE, ev('MilestoneMet', '2026-04-01', { milestoneId: 'm-1' })])
        .when(cmd('MilestoneMet', { milestoneId: 'm-1' }))
        .thenThrows('MilestoneAlreadyMet');
    });

    it('refuses an event dated before the proposal with DateBeforeProposal', () => {
      given(IN_FORCE)
        .when(cmd('ConsultationHeld', SAMPLE.ConsultationHeld, '2025-06-01'))
        .thenThrows('DateBeforeProposal');
    });

    it('treats an acceding state as a party', () => {
      const history = [...IN_FORCE, ev('PartyAcceded', '2026-04-01', { party: 'AUS' })];
      const data: EventData<'ContributionRecorded'> = {
        party: 'AUS',
        category: 'personnel',
        amount: 40,
        unit: 'troops',
      };
      given(history)
        .when(cmd('ContributionRecorded', data))
        .then([ev('ContributionRecorded', ON, data)]);
      given(history)
        .when(cmd('PartyAcceded', { party: 'AUS' }))
        .thenThrows('AlreadyAParty');
    });

    it('keeps a trilateral agreement open when one party leaves, and the leaver is no longer a party', () => {
      const history = [...IN_FORCE, ev('PartyAcceded', '2026-04-01', { party: 'AUS' })];
      const state = given(history)
        .when(cmd('AgreementWithdrawn', { party: 'AUS' }))
        .then([ev('AgreementWithdrawn', ON, { party: 'AUS' })]);
      expect(asAgreement(state)).toMatchObject({ status: 'in_force', parties: ['USA', 'JPN'] });
      given([...history, ev('AgreementWithdrawn', ON, { party: 'AUS' })])
        .when(cmd('ContributionRecorded', { ...SAMPLE.ContributionRecorded, party: 'AUS' }))
        .thenThrows('NotAParty');
    });
  });

  describe('when suspended', () => {
    statusTable('suspended', ['ReservationWithdrawn', 'WithdrawalRescinded']);

    it('is back in force once resumed', () => {
      const state = given(SUSPENDED)
        .when(sampleCommand('AgreementResumed'))
        .then([sampleEvent('AgreementResumed')]);
      expect(state.status).toBe('in_force');
    });
  });

  describe.each([
    ['withdrawn', WITHDRAWN],
    ['terminated', TERMINATED],
  ] as const)('when %s', (status, history) => {
    it(`is ${status}`, () => {
      expect(given(history).state.status).toBe(status);
    });

    it.each(RECORDABLE)('refuses %s with AgreementClosed', (type) => {
      const error = given(history).when(sampleCommand(type)).thenThrows('AgreementClosed');
      expect(error.kind).toBe('conflict');
    });

    it('refuses a new proposal on the same stream with AgreementAlreadyExists', () => {
      given(history).when(cmd('AgreementProposed', PROPOSAL)).thenThrows('AgreementAlreadyExists');
    });
  });
});

describe('decideAll', () => {
  it('decides each command against the state left by the ones before it', () => {
    const { events, state } = decideAll([
      cmd('AgreementProposed', PROPOSAL, PROPOSED_ON),
      cmd('AgreementSigned', { party: 'USA' }, '2026-02-01'),
      cmd('AgreementSigned', { party: 'JPN' }, '2026-02-15'),
      cmd('AgreementEnteredIntoForce', {}, '2026-03-01'),
    ]);
    expect(events).toEqual([
      ev('AgreementProposed', PROPOSED_ON, PROPOSAL),
      ev('AgreementSigned', '2026-02-01', { party: 'USA' }),
      ev('AgreementSigned', '2026-02-15', { party: 'JPN' }),
      ev('AgreementEnteredIntoForce', '2026-03-01', {}),
    ]);
    expect(asAgreement(state)).toMatchObject({
      id: ID,
      status: 'in_force',
      signedOn: '2026-02-15',
      inForceOn: '2026-03-01',
    });
  });

  it('refuses the whole batch when one command is refused', () => {
    expect(() =>
      decideAll([cmd('AgreementProposed', PROPOSAL, PROPOSED_ON), cmd('AgreementEnteredIntoForce', {})]),
    ).toThrow(expect.objectContaining({ code: 'AgreementNotSigned' }));
  });
});

describe('per-party treaty actions', () => {
  const RESERVED = [
    ...IN_FORCE,
    ev('ReservationMade', '2026-04-01', {
      party: 'JPN',
      text: 'Article 5 covers only territories Japan administers',
    }),
  ];

  it('numbers a reservation without an id by its party: JPN-1, JPN-2, and shows it per party in the state', () => {
    const state = given(RESERVED)
      .when(cmd('ReservationMade', { party: 'JPN', text: 'A second one', articles: ['6'] }))
      .then([ev('ReservationMade', ON, { party: 'JPN', text: 'A second one', articles: ['6'] })]);
    expect(asAgreement(state).partyActions?.JPN?.reservations).toEqual([
      {
        reservationId: 'JPN-1',
        text: 'Article 5 covers only territories Japan administers',
        madeOn: '2026-04-01',
      },
      { reservationId: 'JPN-2', text: 'A second one', articles: ['6'], madeOn: ON },
    ]);
  });

  it('refuses a reservation id the party has already used with ReservationAlreadyMade', () => {
    given(RESERVED)
      .when(cmd('ReservationMade', { party: 'JPN', text: 'Again', reservationId: 'JPN-1' }))
      .thenThrows('ReservationAlreadyMade');
  });

  it('refuses a reservation by a non-party with NotAParty', () => {
    given(RESERVED)
      .when(cmd('ReservationMade', { party: 'AUS', text: 'Not ours' }))
      .thenThrows('NotAParty');
  });

  it('withdraws a reservation, once: ReservationNotFound, ReservationAlreadyWithdrawn', () => {
    const state = given(RESERVED)
      .when(cmd('ReservationWithdrawn', { party: 'JPN', reservationId: 'JPN-1' }))
      .then([ev('ReservationWithdrawn', ON, { party: 'JPN', reservationId: 'JPN-1' })]);
    expect(asAgreement(state).partyActions?.JPN?.reservations?.[0]).toMatchObject({ withdrawnOn: ON });
    given([...RESERVED, ev('ReservationWithdrawn', ON, { party: 'JPN', reservationId: 'JPN-1' })])
      .when(cmd('ReservationWithdrawn', { party: 'JPN', reservationId: 'JPN-1' }))
      .thenThrows('ReservationAlreadyWithdrawn');
    given(RESERVED)
      .when(cmd('ReservationWithdrawn', { party: 'USA', reservationId: 'JPN-1' }))
      .thenThrows('ReservationNotFound');
  });

  it('records an objection to a party, or to one of its reservations; an unknown reservation is ReservationNotFound', () => {
    const state = given(RESERVED)
      .when(
        cmd('ObjectionMade', { party: 'USA', toParty: 'JPN', reservationId: 'JPN-1', text: 'Incompatible' }),
      )
      .then([
        ev('ObjectionMade', ON, {
          party: 'USA',
          toParty: 'JPN',
          reservationId: 'JPN-1',
          text: 'Incompatible',
        }),
      ]);
    expect(asAgreement(state).partyActions?.USA?.objections).toEqual([
      { toParty: 'JPN', reservationId: 'JPN-1', text: 'Incompatible', madeOn: ON },
    ]);
    given(RESERVED)
      .when(cmd('ObjectionMade', { party: 'USA', toParty: 'JPN', reservationId: 'JPN-9', text: 'No such' }))
      .thenThrows('ReservationNotFound');
    given(RESERVED)
      .when(cmd('ObjectionMade', { party: 'USA', toParty: 'AUS', text: 'Not a party' }))
      .thenThrows('NotAParty');
  });

  it('records a declaration per party', () => {
    const state = given(IN_FORCE)
      .when(cmd('DeclarationMade', { party: 'USA', text: 'Understanding on Article 6' }))
      .then([ev('DeclarationMade', ON, { party: 'USA', text: 'Understanding on Article 6' })]);
    expect(asAgreement(state).partyActions?.USA?.declarations).toEqual([
      { text: 'Understanding on Article 6', madeOn: ON },
    ]);
  });

  it('applies provisionally before entry into force, once per party', () => {
    const state = given(SIGNED)
      .when(cmd('ProvisionalApplicationStarted', { party: 'JPN' }))
      .then([ev('ProvisionalApplicationStarted', ON, { party: 'JPN' })]);
    expect(asAgreement(state).partyActions?.JPN?.provisionallyApplyingSince).toBe(ON);
    given([...SIGNED, ev('ProvisionalApplicationStarted', '2026-02-20', { party: 'JPN' })])
      .when(cmd('ProvisionalApplicationStarted', { party: 'JPN' }))
      .thenThrows('ProvisionalApplicationAlreadyStarted');
  });

  it('a successor takes its predecessor’s place, signature and ratification from the day of its notification', () => {
    const history = [
      ...IN_FORCE,
      ev('AgreementRatified', '2026-02-20', { party: 'JPN', instrument: 'ratification' }),
    ];
    const state = asAgreement(
      given(history)
        .when(cmd('SuccessionNotified', { party: 'KOR', predecessor: 'JPN' }))
        .then([ev('SuccessionNotified', ON, { party: 'KOR', predecessor: 'JPN' })]),
    );
    expect(state.parties).toEqual(['USA', 'KOR']);
    expect(state.status).toBe('in_force');
    expect(state.formerParties).toEqual([{ party: 'JPN', withdrawnOn: ON, reason: 'succeeded by KOR' }]);
    expect(state.signatures.KOR).toBe('2026-02-15');
    expect(state.ratifications.KOR).toEqual({ instrument: 'ratification', on: '2026-02-20' });
    expect(state.partyActions?.KOR?.successorTo).toEqual({ predecessor: 'JPN', on: ON });
  });

  it('refuses a succession to a non-party (NotAParty) or by a state already a party (AlreadyAParty)', () => {
    given(IN_FORCE)
      .when(cmd('SuccessionNotified', { party: 'KOR', predecessor: 'AUS' }))
      .thenThrows('NotAParty');
    given(IN_FORCE)
      .when(cmd('SuccessionNotified', { party: 'USA', predecessor: 'JPN' }))
      .thenThrows('AlreadyAParty');
  });
});

describe('notices of withdrawal', () => {
  const NOTICE = [
    ...IN_FORCE,
    ev('AgreementWithdrawn', '2026-07-01', {
      party: 'JPN',
      effectiveOn: '2026-10-01',
      reason: 'Policy change',
    }),
  ];

  it('until the notice takes effect the party is still one: events before its day are recorded', () => {
    given(NOTICE)
      .when(cmd('ConsultationHeld', { level: 'working', topics: ['the notice'] }, '2026-09-30'))
      .then([ev('ConsultationHeld', '2026-09-30', { level: 'working', topics: ['the notice'] })]);
  });

  it('from its day a bilateral agreement has ended: later events are refused with AgreementClosed', () => {
    given(NOTICE)
      .when(cmd('ConsultationHeld', { level: 'working', topics: ['too late'] }, '2026-10-01'))
      .thenThrows('AgreementClosed');
  });

  it('a notice on record can be rescinded, and then nothing takes effect', () => {
    const state = given(NOTICE)
      .when(cmd('WithdrawalRescinded', { party: 'JPN', reason: 'Talks succeeded' }, '2026-08-01'))
      .then([ev('WithdrawalRescinded', '2026-08-01', { party: 'JPN', reason: 'Talks succeeded' })]);
    expect(asAgreement(state).pendingWithdrawals).toBeUndefined();
    given([...NOTICE, ev('WithdrawalRescinded', '2026-08-01', { party: 'JPN' })])
      .when(cmd('ConsultationHeld', { level: 'working', topics: ['still allies'] }, '2026-11-01'))
      .then([ev('ConsultationHeld', '2026-11-01', { level: 'working', topics: ['still allies'] })]);
  });

  it('refuses a rescission without a notice on record with NoPendingWithdrawal', () => {
    given(IN_FORCE)
      .when(cmd('WithdrawalRescinded', { party: 'JPN' }))
      .thenThrows('NoPendingWithdrawal');
    given(NOTICE)
      .when(cmd('WithdrawalRescinded', { party: 'USA' }))
      .thenThrows('NoPendingWithdrawal');
  });
});
