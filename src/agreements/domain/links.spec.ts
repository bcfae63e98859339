import { describe, expect, it } from '@jest/globals';
import { commandFor } from './agreement.commands.js';
import type { AgreementEvent } from './agreement.events.js';
import type { Agreement } from './agreement.state.js';
import { given } from './testing/decider.specification.js';

/** AgreementLinked: given an agreement, when it is linked to another record of the same treaty, then… */

const ID = 'usa-jpn-2026';
const TODAY = '2026-11-28';
const link = (sameAs: string, reason = 'ATOP codes it as alliance 3375') =>
  commandFor('AgreementLinked', {
    agreementId: ID,
    occurredOn: TODAY,
    data: { sameAs, reason },
    today: TODAY,
  });
const PROPOSED: AgreementEvent = {
  type: 'AgreementProposed',
  occurredOn: '2026-01-10',
  data: { title: 'Treaty', parties: ['USA', 'JPN'], provisions: ['consultation'], aliases: ['The Treaty'] },
};
const TERMINATED: AgreementEvent[] = [
  PROPOSED,
  { type: 'AgreementTerminated', occurredOn: '2026-02-01', data: { reason: 'mutual_consent' } },
];

describe('AgreementLinked', () => {
  it('records the link, shown in the state as sameAs, beside the aliases of the proposal', () => {
    const state = given([PROPOSED])
      .when(link('atop-3375'))
      .then([
        {
          type: 'AgreementLinked',
          occurredOn: TODAY,
          data: { sameAs: 'atop-3375', reason: 'ATOP codes it as alliance 3375' },
        },
      ]);
    expect((state as Agreement).sameAs).toEqual([
      { id: 'atop-3375', reason: 'ATOP codes it as alliance 3375' },
    ]);
    expect((state as Agreement).aliases).toEqual(['The Treaty']);
  });

  it('is allowed after the agreement ended: it says what the treaty is, not what happened to it', () => {
    given(TERMINATED)
      .when(link('atop-3375'))
      .then([
        {
          type: 'AgreementLinked',
          occurredOn: TODAY,
          data: { sameAs: 'atop-3375', reason: 'ATOP codes it as alliance 3375' },
        },
      ]);
  });

  it('refuses a link to itself (LinkedToItself), a second link to the same (AlreadyLinked), and an unknown agreement', () => {
    given([PROPOSED]).when(link(ID)).thenThrows('LinkedToItself');
    given([
      PROPOSED,
      { type: 'AgreementLinked', occurredOn: TODAY, data: { sameAs: 'atop-3375', reason: 'x' } },
    ])
      .when(link('atop-3375'))
      .thenThrows('AlreadyLinked');
    given([]).when(link('atop-3375')).thenThrows('AgreementNotFound');
  });
});
