import { describe, expect, it } from '@jest/globals';
import { commandFor } from './agreement.commands.js';
import type { AgreementEvent, AgreementEventType, EventData } from './agreement.events.js';
import type { Agreement } from './agreement.state.js';
import { given } from './testing/decider.specification.js';

/** EventRetracted: given a history with event ids, when a retraction is asked, then… */

const ID = 'usa-jpn-2026';
const TODAY = '2026-11-28';

function ev<T extends AgreementEventType>(
  eventId: string,
  type: T,
  occurredOn: string,
  data: EventData<T>,
): AgreementEvent & { eventId: string } {
  return { eventId, type, occurredOn, data } as AgreementEvent & { eventId: string };
}

const retract = (eventId: string, reason = 'Recorded in error') =>
  commandFor('EventRetracted', {
    agreementId: ID,
    occurredOn: TODAY,
    data: { eventId, reason },
    today: TODAY,
  });

const PROPOSED = ev('p', 'AgreementProposed', '2026-01-10', {
  title: 'Treaty',
  parties: ['USA', 'JPN', 'KOR'],
  provisions: ['consultation'],
});
const SIGNED = [
  PROPOSED,
  ev('s-usa', 'AgreementSigned', '2026-02-01', { party: 'USA' }),
  ev('s-jpn', 'AgreementSigned', '2026-02-01', { party: 'JPN' }),
  ev('s-kor', 'AgreementSigned', '2026-02-02', { party: 'KOR' }),
];
const IN_FORCE = [...SIGNED, ev('eif', 'AgreementEnteredIntoForce', '2026-03-01', {})];

describe('EventRetracted', () => {
  it('retracts a signature: the state is as if it had never been recorded', () => {
    const state = given(SIGNED)
      .when(retract('s-kor'))
      .then(
        [ev('', 'EventRetracted', TODAY, { eventId: 's-kor', reason: 'Recorded in error' })].map(stripId),
      );
    expect(state).toEqual(given(SIGNED.filter((e) => e.eventId !== 's-kor')).state);
    expect((state as Agreement).status).toBe('proposed');
  });

  it('refuses an unknown event with EventNotFound', () => {
    given(SIGNED).when(retract('nope')).thenThrows('EventNotFound');
  });

  it('refuses an event already retracted with EventAlreadyRetracted', () => {
    const retracted = ev('r1', 'EventRetracted', TODAY, { eventId: 's-kor', reason: 'x' });
    given([...SIGNED, retracted])
      .when(retract('s-kor'))
      .thenThrows('EventAlreadyRetracted');
  });

  it('refuses to retract a retraction with RetractionNotRetractable', () => {
    const retracted = ev('r1', 'EventRetracted', TODAY, { eventId: 's-kor', reason: 'x' });
    given([...SIGNED, retracted])
      .when(retract('r1'))
      .thenThrows('RetractionNotRetractable');
  });

  it('refuses the signature of an agreement that later entered into force, naming the events that depend on it', () => {
    const error = given(IN_FORCE).when(retract('s-kor')).thenThrows('RetractionBreaksStream');
    expect(error.message).toContain('eif');
    expect(error.field).toBe('data.eventId');
  });

  it('refuses the proposal while anything depends on it, and names every dependent', () => {
    const error = given(SIGNED).when(retract('p')).thenThrows('RetractionBreaksStream');
    for (const id of ['s-usa', 's-jpn', 's-kor']) expect(error.message).toContain(id);
  });

  it('retracts a lone proposal: the agreement no longer exists and may be proposed again', () => {
    const state = given([PROPOSED])
      .when(retract('p'))
      .then([
        { type: 'EventRetracted', occurredOn: TODAY, data: { eventId: 'p', reason: 'Recorded in error' } },
      ]);
    expect(state.status).toBe('none');
  });

  it('is allowed after the agreement ended: a mistaken termination can be taken back', () => {
    const ended = [...IN_FORCE, ev('t', 'AgreementTerminated', '2026-05-01', { reason: 'mutual_consent' })];
    const state = given(ended)
      .when(retract('t'))
      .then([
        { type: 'EventRetracted', occurredOn: TODAY, data: { eventId: 't', reason: 'Recorded in error' } },
      ]);
    expect(state.status).toBe('in_force');
  });

  it('names a met milestone as depending on its commitment; the meeting itself may be retracted', () => {
    const history = [
      ...IN_FORCE,
      ev('m', 'MilestoneCommitted', '2026-04-01', {
        milestoneId: 'm-1',
        description: 'Base access',
        owner: 'JPN',
        dueOn: '2026-12-31',
      }),
      ev('met', 'MilestoneMet', '2026-05-01', { milestoneId: 'm-1' }),
    ];
    const error = given(history).when(retract('m')).thenThrows('RetractionBreaksStream');
    expect(error.message).toContain('met');
    given(history)
      .when(retract('met'))
      .then([
        { type: 'EventRetracted', occurredOn: TODAY, data: { eventId: 'met', reason: 'Recorded in error' } },
      ]);
  });
});

function stripId(e: AgreementEvent & { eventId: string }): AgreementEvent {
  const { eventId: _id, ...rest } = e;
  return rest;
}
