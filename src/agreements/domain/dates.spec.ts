import { describe, expect, it } from '@jest/globals';
import {
  addMonths,
  certainlyBefore,
  isPartialDate,
  latest,
  passedBy,
  periodEnd,
  periodStart,
  precisionOf,
  undecidedOn,
} from './dates.js';
import { commandFor } from './agreement.commands.js';
import type { AgreementEvent, AgreementEventType, EventData } from './agreement.events.js';
import type { Agreement } from './agreement.state.js';
import { given } from './testing/decider.specification.js';

describe('dates with a precision', () => {
  it('reads year, month and day, and refuses what is none of them', () => {
    expect(['1996', '1996-03', '1996-02-29', '2000-02-29'].map(isPartialDate)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['1997-02-29', '1996-13', '1996-00', '0000', '96', '1996-3', '1996-03-1'].map(isPartialDate),
    ).toEqual(Array(7).fill(false));
    expect(['1996', '1996-03', '1996-03-15'].map(precisionOf)).toEqual(['year', 'month', 'day']);
  });

  it('gives each period its first and last day', () => {
    expect([periodStart('1996'), periodEnd('1996')]).toEqual(['1996-01-01', '1996-12-31']);
    expect([periodStart('1996-02'), periodEnd('1996-02')]).toEqual(['1996-02-01', '1996-02-29']);
    expect([periodStart('1997-02'), periodEnd('1997-02')]).toEqual(['1997-02-01', '1997-02-28']);
    expect([periodStart('1996-03-15'), periodEnd('1996-03-15')]).toEqual(['1996-03-15', '1996-03-15']);
  });

  it('is certainly before only when the whole period is', () => {
    expect(certainlyBefore('1995', '1996-01-01')).toBe(true);
    expect(certainlyBefore('1996', '1996-03-15')).toBe(false);
    expect(certainlyBefore('1996-03-15', '1996')).toBe(false);
    expect(certainlyBefore('1996-02', '1996-03')).toBe(true);
  });

  it('has passed once its last day has, and is undecided on any other day inside it', () => {
    expect(passedBy('1996-03', '1996-03-31')).toBe(true);
    expect(passedBy('1996-03', '1996-03-30')).toBe(false);
    expect(undecidedOn('1996-03', '1996-03-15')).toBe(true);
    expect(undecidedOn('1996-03', '1996-03-31')).toBe(false);
    expect(undecidedOn('1996-03', '1996-02-28')).toBe(false);
  });

  it('adds months at the date’s own precision, never earlier than the source allows', () => {
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('1996-11', 3)).toBe('1997-02');
    expect(addMonths('1996', 24)).toBe('1998');
    expect(addMonths('1996', 6)).toBe('1997-06');
  });

  it('takes the later of two dates by the end of their periods', () => {
    expect(latest('1996-03', '1996-03-10')).toBe('1996-03');
    expect(latest('1996-03-31', '1996-03')).toBe('1996-03-31');
    expect(latest('1995', '1996-01-01')).toBe('1996-01-01');
  });
});

describe('the decider compares periods honestly', () => {
  const ID = 'usa-aus-1996';
  const TODAY = '2026-11-28';
  const ev = <T extends AgreementEventType>(type: T, occurredOn: string, data: EventData<T>) =>
    ({ type, occurredOn, data }) as AgreementEvent;
  const cmd = <T extends AgreementEventType>(type: T, occurredOn: string, data: EventData<T>) =>
    commandFor(type, { agreementId: ID, occurredOn, data, today: TODAY });
  const PROPOSED = [
    ev('AgreementProposed', '1996', { title: 'T', parties: ['USA', 'AUS'], provisions: ['consultation'] }),
  ];

  it('accepts a signature in March 1996 of an agreement proposed in 1996, and signs it in that month', () => {
    const state = given([...PROPOSED, ev('AgreementSigned', '1996-03', { party: 'USA' })])
      .when(cmd('AgreementSigned', '1996-03', { party: 'AUS' }))
      .then([ev('AgreementSigned', '1996-03', { party: 'AUS' })]);
    expect((state as Agreement).signedOn).toBe('1996-03');
  });

  it('accepts a day inside the proposal year, refuses a date certainly before it with DateBeforeProposal', () => {
    given(PROPOSED)
      .when(cmd('AgreementSigned', '1996-01-01', { party: 'USA' }))
      .then([ev('AgreementSigned', '1996-01-01', { party: 'USA' })]);
    given(PROPOSED)
      .when(cmd('AgreementSigned', '1995-12', { party: 'USA' }))
      .thenThrows('DateBeforeProposal');
  });

  it('accepts the current year or month (it may be over by now), refuses a period that starts after today', () => {
    given(PROPOSED)
      .when(cmd('AgreementSigned', '2026', { party: 'USA' }))
      .then([ev('AgreementSigned', '2026', { party: 'USA' })]);
    given(PROPOSED)
      .when(cmd('AgreementSigned', '2026-12', { party: 'USA' }))
      .thenThrows('DateInFuture');
  });
});
