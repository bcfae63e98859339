import { expect } from '@jest/globals';
import type { AgreementCommand } from '../agreement.commands.js';
import { decide, decideAll } from '../agreement.decider.js';
import { DomainError } from '../agreement.errors.js';
import type { AgreementEvent } from '../agreement.events.js';
import { evolve, initialState, type AgreementState } from '../agreement.state.js';
import { liveEvents } from '../retractions.js';

/**
 * Given/when/then for the agreement decider:
 *
 *   given(history).when(command).then([expectedEvent]);
 *   given(history).when(command).thenThrows('AgreementClosed');
 *
 * The history is folded with `evolve` (tagged with the stream id, so the state's id is set);
 * the command goes through `decide`, with the history as recorded (events may carry an `eventId`
 * for a retraction to name; the others get `event-<n>`). Pure: no Nest, no clock.
 */
export const DEFAULT_STREAM_ID = 'usa-jpn-2026';

export interface WhenStep {
  /** The state the command is decided against. */
  readonly state: AgreementState;
  /** Asserts the command records exactly these events; returns the state after them. */
  then(expected: readonly AgreementEvent[]): AgreementState;
  /** Asserts the command is refused with a DomainError of this code; returns that error. */
  thenThrows(code: string): DomainError;
}

export interface GivenStep {
  readonly state: AgreementState;
  when(command: AgreementCommand): WhenStep;
}

export function foldHistory(events: readonly AgreementEvent[], streamId = DEFAULT_STREAM_ID): AgreementState {
  return events.reduce<AgreementState>(
    (state, event) => evolve(state, { ...event, streamId }),
    initialState(),
  );
}

export function given(
  events: readonly (AgreementEvent & { eventId?: string })[] = [],
  streamId = DEFAULT_STREAM_ID,
): GivenStep {
  const history = events.map((e, i) => ({ ...e, eventId: e.eventId ?? `event-${i + 1}` }));
  const state = foldHistory(liveEvents(history), streamId);
  return {
    state,
    when(command) {
      return {
        state,
        then(expected) {
          const actual = decide(command, state, history);
          expect(actual).toEqual(expected);
          return decideAll([command], state, history).state;
        },
        thenThrows(code) {
          let caught: unknown;
          try {
            const events = decide(command, state, history);
            caught = new Error(`expected ${code}, but the command recorded ${JSON.stringify(events)}`);
          } catch (error) {
            caught = error;
          }
          if (!(caught instanceof DomainError)) throw caught;
          expect(caught.code).toBe(code);
          return caught;
        },
      };
    },
  };
}
