import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { commandFor } from '../../src/agreements/domain/agreement.commands.js';
import { decide, decideAll } from '../../src/agreements/domain/agreement.decider.js';
import { DomainError } from '../../src/agreements/domain/agreement.errors.js';
import type { AgreementEvent, EventData } from '../../src/agreements/domain/agreement.events.js';
import {
  evolve,
  fold,
  initialState,
  type AgreementState,
} from '../../src/agreements/domain/agreement.state.js';
import { dataOf, dayToDate, sequence, withProposal, type Step } from './support/command-steps.js';

/**
 * Properties of the pure domain over random command sequences: the decider refuses only with
 * named DomainErrors and never touches the state it is given; the state it decides on is the
 * fold of the events it accepted; a batch is all or nothing; and the state survives the JSON
 * round trip the status row puts it through (the write side decides on the stored copy).
 */

const ID = 'prop-agreement';
const TODAY = dayToDate(3000); // some steps fall after it: DateInFuture

const commandOf = (s: Step, parties: number) =>
  commandFor(s.type, {
    agreementId: ID,
    occurredOn: dayToDate(s.day),
    data: dataOf(s, parties) as EventData<typeof s.type>,
    today: TODAY,
  });

/** Frozen all the way down: a decider that mutated its input would throw here. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('domain properties over random command sequences', () => {
  it('refuses only with DomainErrors, leaves the state untouched, and folds to what it decided', () => {
    const reached = new Set<string>();
    let refusals = 0;
    fc.assert(
      fc.property(sequence, ({ parties, steps }) => {
        let state: AgreementState = initialState();
        const accepted: (AgreementEvent & { streamId: string })[] = [];
        for (const [s] of withProposal(steps)) {
          const command = commandOf(s, parties);
          const before = viaJson(state);
          deepFreeze(state);
          let events: AgreementEvent[];
          try {
            events = decide(command, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            expect(viaJson(state)).toEqual(before);
            refusals++;
            continue;
          }
          // The same decision on the JSON copy the status row would hand back.
          expect(decide(command, viaJson(state))).toEqual(events);
          for (const e of events) {
            const next = evolve(state, { ...e, streamId: ID });
            expect(viaJson(evolve(viaJson(state), { ...e, streamId: ID }))).toEqual(viaJson(next));
            state = next;
            reached.add(state.status);
            accepted.push({ ...e, streamId: ID });
          }
        }
        expect(viaJson(fold(accepted))).toEqual(viaJson(state));
      }),
      { numRuns: 500 },
    );
    // The sequences walk the whole lifecycle and meet refusals: the properties are not vacuous.
    expect([...reached].sort()).toEqual([
      'in_force',
      'proposed',
      'signed',
      'suspended',
      'terminated',
      'withdrawn',
    ]);
    expect(refusals).toBeGreaterThan(500);
  });

  it('a batch is all or nothing, and deciding it at once equals deciding it step by step', () => {
    fc.assert(
      fc.property(sequence, ({ parties, steps }) => {
        let state: AgreementState = initialState();
        const batches: Step[][] = [];
        for (const [s, size] of withProposal(steps)) {
          const last = batches[batches.length - 1];
          if (last && last.length < size) last.push(s);
          else batches.push([s]);
        }
        for (const batch of batches) {
          const commands = batch.map((s) => commandOf(s, parties));
          let stepwise: AgreementState | undefined = state;
          const stepEvents: AgreementEvent[] = [];
          for (const c of commands) {
            try {
              const events = decide(c, stepwise);
              stepEvents.push(...events);
              stepwise = fold(
                events.map((e) => ({ ...e, streamId: ID })),
                stepwise,
              );
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              stepwise = undefined;
              break;
            }
          }
          let decided: ReturnType<typeof decideAll> | undefined;
          try {
            decided = decideAll(commands, deepFreeze(state));
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          // Refused as a whole exactly when some step is refused; otherwise the same events and state.
          expect(decided === undefined).toBe(stepwise === undefined);
          if (decided && stepwise) {
            expect(decided.events).toEqual(stepEvents);
            expect(isDeepStrictEqual(viaJson(decided.state), viaJson(stepwise))).toBe(true);
            state = decided.state;
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
