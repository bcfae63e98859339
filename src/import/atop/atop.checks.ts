/** The drafts checked against the domain, as the write side will check them. */
import { commandFor } from '../../agreements/domain/agreement.commands.js';
import { decideAll } from '../../agreements/domain/agreement.decider.js';
import { DomainError } from '../../agreements/domain/agreement.errors.js';
import { eventDataSchemas, type EventData } from '../../agreements/domain/agreement.events.js';
import { initialState, isFinal, type AgreementState } from '../../agreements/domain/agreement.state.js';
import { periodStart } from '../../agreements/domain/dates.js';
import { nextDay } from './atop.dates.js';
import { eventIdFor } from '../event-ids.js';
import { Warnings } from './atop.rows.js';
import type { Draft } from './atop.drafting.js';
import type { PlannedEvent } from './atop.mapping.js';

/**
 * Runs the drafts through the event schemas and the decider, as the write side will. A
 * refused event is left out with a warning naming its row; what the domain makes moot is left
 * out silently: once fewer than two parties remain the agreement has ended (withdrawn), so the
 * other members leaving that same day, or an end date on that day, add nothing.
 */
export function checked(
  id: string,
  drafts: readonly Draft[],
  today: string,
  warnings: Warnings,
): PlannedEvent[] {
  let state: AgreementState = initialState();
  const events: PlannedEvent[] = [];
  /** Members whose exit was not recorded because the alliance lapsed and resumed. */
  const kept = new Set<string>();
  const queue = [...drafts];
  for (let i = 0; i < queue.length; i++) {
    const d = queue[i]!;
    const parsed = eventDataSchemas[d.type].safeParse(d.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // The warning names a column of the row's file; the event's own field goes in the message.
      const field = ['data', ...issue.path.map(String)].join('.');
      if (d.type === 'AgreementProposed') {
        warnings.add(d.source, 'atopid', `alliance not imported: ${field} ${issue.message}`);
        return [];
      }
      warnings.add(
        d.source,
        fieldOf(d),
        `${d.type} on ${d.occurredOn} not recorded: ${field} ${issue.message}`,
      );
      continue;
    }
    const data = parsed.data as EventData<typeof d.type>;
    try {
      const command = commandFor(d.type, { agreementId: id, occurredOn: d.occurredOn, data, today });
      const next = decideAll([command], state).state;
      const ends = d.type === 'AgreementWithdrawn' && next.status === 'withdrawn';
      const successors = ends ? joinersAfter(queue, i) : 0;
      if (successors > 0) {
        queue.splice(i, 1);
        queue.splice(i + successors, 0, d);
        i--;
        continue;
      }
      const resumesAt = ends ? laterJoin(queue, i) : -1;
      if (resumesAt >= 0) {
        // A lapse: the alliance falls under two members and later has members again. Recorded as a
        // suspension until the first re-entry, the members kept meanwhile (ATOP codes their exits).
        kept.add(String(d.data.party));
        if (state.status === 'in_force') {
          const join = queue[resumesAt]!;
          // The resumption goes just before the first re-entry (the suspension, inserted first, shifts it by one).
          queue.splice(resumesAt, 0, lapse(join, 'AgreementResumed', join.occurredOn));
          queue.splice(i + 1, 0, lapse(d, 'AgreementSuspended', d.occurredOn));
        }
        continue;
      }
      state = next;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (moot(state, d)) continue;
      // A member kept through a lapse re-enters: it never left the record.
      if (d.type === 'PartyAcceded' && error.code === 'AlreadyAParty' && kept.has(String(d.data.party)))
        continue;
      const why =
        state.status !== 'none' && isFinal(state.status)
          ? `the agreement had already ended (${state.status} on ${state.endedOn ?? '?'})`
          : `${error.code}: ${error.message}`;
      warnings.add(d.source, fieldOf(d), `${describe(d)} not recorded: ${why}`);
      continue;
    }
    events.push({
      type: d.type,
      occurredOn: d.occurredOn,
      data: d.data,
      eventId: eventIdFor(`${id}|${d.type}|${d.subject}|${d.occurredOn}`),
      source: d.source,
      ...(d.metadata ? { metadata: d.metadata } : {}),
    });
  }
  return events;
}

/**
 * How many accessions follow the draft at `i` on its day or the next. A state that breaks up
 * leaves on one day and its successors join the next (Czechoslovakia left on 1992-12-31, the
 * Czech Republic and Slovakia joined on 1993-01-01): recording that departure after them keeps
 * the alliance from ending in between. The events keep their own dates.
 */
function joinersAfter(queue: readonly Draft[], i: number): number {
  const until = nextDay(queue[i]!.occurredOn);
  let last = 0;
  for (let j = i + 1; j < queue.length && periodStart(queue[j]!.occurredOn) <= until; j++) {
    if (queue[j]!.type === 'PartyAcceded') last = j - i;
  }
  return last;
}

/** The index of the first accession after the draft at `i` (-1 if none): the alliance has members again. */
function laterJoin(queue: readonly Draft[], i: number): number {
  for (let j = i + 1; j < queue.length; j++) {
    if (queue[j]!.type === 'AgreementTerminated') return -1;
    if (queue[j]!.type === 'PartyAcceded') return j;
  }
  return -1;
}

/** The suspension (or resumption) of a lapsed alliance, from the row that shows it. */
function lapse(d: Draft, type: 'AgreementSuspended' | 'AgreementResumed', on: string): Draft {
  const reason =
    type === 'AgreementSuspended'
      ? `Lapsed: ATOP codes fewer than two members from ${on} (${String(d.data.party)} left); members kept until it resumes`
      : `Resumed: ATOP codes members again from ${on}`;
  return { type, occurredOn: on, subject: 'lapse', source: d.source, data: { reason } };
}

function moot(state: AgreementState, d: Draft): boolean {
  return (
    state.status === 'withdrawn' &&
    state.endedOn === d.occurredOn &&
    (d.type === 'AgreementWithdrawn' || d.type === 'AgreementTerminated')
  );
}

function fieldOf(d: Draft): string {
  switch (d.type) {
    case 'AgreementWithdrawn':
      return 'yrexit';
    case 'PartyAcceded':
    case 'AgreementSigned':
      return 'yrent';
    case 'AgreementTerminated':
      return 'endyr';
    default:
      return 'begyr';
  }
}

function describe(d: Draft): string {
  const party = typeof d.data.party === 'string' ? ` of ${d.data.party}` : '';
  return `${d.type}${party} on ${d.occurredOn}`;
}
