import { commandFor, type AgreementCommand, type CommandOfType } from './agreement.commands.js';
import { AgreementErrors as E, DomainError } from './agreement.errors.js';
import { certainlyBefore, periodStart } from './dates.js';
import type { AgreementEvent, AgreementEventType } from './agreement.events.js';
import { liveEvents, retractedIds, type RecordedEvent } from './retractions.js';
import {
  evolve,
  fold,
  initialState,
  isFinal,
  OPEN_STATUSES,
  settle,
  STATUSES,
  type Agreement,
  type AgreementState,
  type AgreementStatus,
  type OpenStatus,
} from './agreement.state.js';

/** The statuses in which each kind of event may be recorded (DESIGN §4). */
const ALLOWED_IN: Record<
  Exclude<AgreementEventType, 'AgreementProposed' | 'EventRetracted' | 'AgreementLinked'>,
  readonly OpenStatus[]
> = {
  AgreementSigned: ['proposed'],
  ExerciseHeld: ['signed', 'in_force'],
  ReviewConducted: ['signed', 'in_force', 'suspended'],
  AgreementAmended: ['proposed', 'signed', 'in_force'],
  AgreementWithdrawn: OPEN_STATUSES,
  AgreementRatified: ['proposed', 'signed', 'in_force'],
  AgreementEnteredIntoForce: ['signed'],
  PartyAcceded: ['signed', 'in_force'],
  MilestoneCommitted: ['signed', 'in_force'],
  MilestoneMet: OPEN_STATUSES,
  ConsultationHeld: ['signed', 'in_force', 'suspended'],
  ContributionRecorded: ['signed', 'in_force'],
  AgreementSuspended: ['in_force'],
  AgreementResumed: ['suspended'],
  AgreementRenewed: ['in_force'],
  ReservationMade: ['proposed', 'signed', 'in_force'],
  ReservationWithdrawn: OPEN_STATUSES,
  DeclarationMade: ['proposed', 'signed', 'in_force'],
  ObjectionMade: ['proposed', 'signed', 'in_force'],
  ProvisionalApplicationStarted: ['proposed', 'signed'],
  WithdrawalRescinded: OPEN_STATUSES,
  SuccessionNotified: ['signed', 'in_force', 'suspended'],
  AgreementTerminated: OPEN_STATUSES,
};

/**
 * The statuses in which an event of this type may be recorded. A proposal starts an agreement (none);
 * a retraction or a link may be recorded on any agreement that exists.
 */
export function statusesAllowing(type: AgreementEventType): readonly AgreementStatus[] {
  if (type === 'AgreementProposed') return [];
  if (type === 'EventRetracted' || type === 'AgreementLinked') return STATUSES;
  return ALLOWED_IN[type];
}

/**
 * Pure: the events a command records, or a named DomainError thrown when it is refused. A retraction
 * is decided on the stream's `history` (its events with their ids), whatever the agreement's status.
 */
export function decide(
  command: AgreementCommand,
  state: AgreementState,
  history: readonly RecordedEvent[] = [],
): AgreementEvent[] {
  checkDate('occurredOn', command.occurredOn, command.today);
  if (command.type === 'RetractEvent') return [retract(command, history)];
  if (command.type === 'LinkAgreement') return [link(command, state)];
  if (command.type === 'ProposeAgreement') {
    if (state.status !== 'none') throw E.alreadyExists(command.agreementId);
    return [event(command)];
  }
  if (state.status === 'none') throw E.notFound(command.agreementId);
  // Notices of withdrawal that have taken effect by the command's date count (a rescission looks
  // at the notices as recorded: a notice on record can be rescinded, as the record says it was).
  const seen = command.type === 'RescindWithdrawal' ? state : settle(state, command.occurredOn);
  if (isFinal(seen.status)) throw E.closed(seen.status);
  if (certainlyBefore(command.occurredOn, seen.proposedOn)) {
    throw E.dateBeforeProposal('occurredOn', command.occurredOn, seen.proposedOn);
  }
  return [decideFor(command, seen)];
}

function decideFor(
  command: Exclude<AgreementCommand, { type: 'ProposeAgreement' | 'RetractEvent' | 'LinkAgreement' }>,
  a: Agreement,
): AgreementEvent {
  switch (command.type) {
    case 'SignAgreement':
      return sign(command, a);
    case 'RecordExercise':
      return recordExercise(command, a);
    case 'RecordReview':
      return recordReview(command, a);
    case 'AmendAgreement':
    case 'BringIntoForce':
    case 'RecordConsultation':
    case 'SuspendAgreement':
    case 'ResumeAgreement':
      requireStatus(a, command.eventType);
      return event(command);
    case 'WithdrawFromAgreement':
      return withdraw(command, a);
    case 'RatifyAgreement':
      return ratify(command, a);
    case 'AccedeToAgreement':
      return accede(command, a);
    case 'CommitMilestone':
      return commitMilestone(command, a);
    case 'MeetMilestone':
      return meetMilestone(command, a);
    case 'RecordContribution':
    case 'MakeDeclaration':
      requireStatus(a, command.eventType);
      requireParty(a, command.data.party, 'data.party');
      return event(command);
    case 'RenewAgreement':
      requireStatus(a, command.eventType);
      requireOrder('data.newTermEndsOn', command.data.newTermEndsOn, command.occurredOn, 'occurredOn');
      return event(command);
    case 'TerminateAgreement':
      requireStatus(a, command.eventType);
      return event(command);
    case 'MakeReservation':
      return makeReservation(command, a);
    case 'WithdrawReservation':
      return withdrawReservation(command, a);
    case 'MakeObjection':
      return makeObjection(command, a);
    case 'StartProvisionalApplication':
      requireStatus(a, command.eventType);
      requireParty(a, command.data.party, 'data.party');
      if (a.partyActions?.[command.data.party]?.provisionallyApplyingSince !== undefined) {
        throw E.provisionalApplicationStarted(command.data.party);
      }
      return event(command);
    case 'RescindWithdrawal':
      requireStatus(a, command.eventType);
      if (!(a.pendingWithdrawals ?? []).some((w) => w.party === command.data.party)) {
        throw E.noPendingWithdrawal(command.data.party);
      }
      return event(command);
    case 'NotifySuccession':
      requireStatus(a, command.eventType);
      requireParty(a, command.data.predecessor, 'data.predecessor');
      if (a.parties.includes(command.data.party)) throw E.alreadyAParty(command.data.party);
      return event(command);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/**
 * An event may be retracted when it is on record, is not a retraction, has not been retracted, and
 * the rest of the stream stays valid without it: replayed through the decider, no event that was
 * accepted before is refused once it is gone (those that would be are named).
 */
function retract(c: CommandOfType<'RetractEvent'>, history: readonly RecordedEvent[]): AgreementEvent {
  const id = c.data.eventId;
  const target = history.find((e) => e.eventId === id);
  if (!target) throw E.eventNotFound(id);
  if (target.type === 'EventRetracted') throw E.retractionNotRetractable(id);
  if (retractedIds(history).has(id)) throw E.alreadyRetracted(id);
  const live = liveEvents(history);
  const refusedBefore = refusedOnReplay(live, c.agreementId);
  const refusedAfter = refusedOnReplay(
    live.filter((e) => e.eventId !== id),
    c.agreementId,
  );
  const dependents = [...refusedAfter].filter((e) => !refusedBefore.has(e));
  if (dependents.length > 0) throw E.retractionBreaksStream(id, dependents);
  return event(c);
}

/** A link to another record of the same treaty: allowed whatever the status (it says what the treaty is). */
function link(c: CommandOfType<'LinkAgreement'>, state: AgreementState): AgreementEvent {
  if (state.status === 'none') throw E.notFound(c.agreementId);
  if (c.data.sameAs === c.agreementId) throw E.linkedToItself(c.agreementId);
  if (state.sameAs?.some((l) => l.id === c.data.sameAs)) throw E.alreadyLinked(c.data.sameAs);
  return event(c);
}

/** The ids of the events the decider would refuse, replaying them in order (dates are not judged against today). */
function refusedOnReplay(events: readonly RecordedEvent[], agreementId: string): Set<string> {
  const refused = new Set<string>();
  let state = initialState();
  for (const e of events) {
    try {
      decide(
        commandFor(e.type, { agreementId, occurredOn: e.occurredOn, data: e.data, today: '9999-12-31' }),
        state,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.add(e.eventId);
    }
    state = evolve(state, { ...e, streamId: agreementId });
  }
  return refused;
}

function sign(c: CommandOfType<'SignAgreement'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  requireParty(a, c.data.party, 'data.party');
  if (a.signatures[c.data.party] !== undefined) throw E.partyAlreadySigned(c.data.party);
  return event(c);
}

function recordExercise(c: CommandOfType<'RecordExercise'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  c.data.participants.forEach((p, i) => requireParty(a, p, `data.participants.${i}`));
  checkDate('data.startedOn', c.data.startedOn, c.today);
  if (certainlyBefore(c.data.startedOn, a.proposedOn))
    throw E.dateBeforeProposal('data.startedOn', c.data.startedOn, a.proposedOn);
  return event(c);
}

function recordReview(c: CommandOfType<'RecordReview'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  if (c.data.nextReviewDue !== undefined) {
    requireOrder('data.nextReviewDue', c.data.nextReviewDue, c.occurredOn, 'occurredOn');
  }
  return event(c);
}

function withdraw(c: CommandOfType<'WithdrawFromAgreement'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  requireParty(a, c.data.party, 'data.party');
  if (c.data.effectiveOn !== undefined) {
    requireOrder('data.effectiveOn', c.data.effectiveOn, c.occurredOn, 'occurredOn');
  }
  return event(c);
}

function ratify(c: CommandOfType<'RatifyAgreement'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  requireParty(a, c.data.party, 'data.party');
  if (a.signatures[c.data.party] === undefined) throw E.partyNotSigned(c.data.party);
  if (a.ratifications[c.data.party] !== undefined) throw E.partyAlreadyRatified(c.data.party);
  return event(c);
}

function accede(c: CommandOfType<'AccedeToAgreement'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  if (a.parties.includes(c.data.party)) throw E.alreadyAParty(c.data.party);
  return event(c);
}

function commitMilestone(c: CommandOfType<'CommitMilestone'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  if (a.milestones[c.data.milestoneId] !== undefined) throw E.milestoneExists(c.data.milestoneId);
  requireParty(a, c.data.owner, 'data.owner');
  return event(c);
}

function meetMilestone(c: CommandOfType<'MeetMilestone'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  const milestone = a.milestones[c.data.milestoneId];
  if (milestone === undefined) throw E.milestoneNotFound(c.data.milestoneId);
  if (milestone.metOn !== undefined) throw E.milestoneAlreadyMet(c.data.milestoneId);
  return event(c);
}

function makeReservation(c: CommandOfType<'MakeReservation'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  requireParty(a, c.data.party, 'data.party');
  const id = c.data.reservationId;
  if (id !== undefined && reservationsOf(a, c.data.party).some((r) => r.reservationId === id)) {
    throw E.reservationExists(c.data.party, id);
  }
  return event(c);
}

function withdrawReservation(c: CommandOfType<'WithdrawReservation'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  const { party, reservationId } = c.data;
  const reservation = reservationsOf(a, party).find((r) => r.reservationId === reservationId);
  if (!reservation) throw E.reservationNotFound(party, reservationId);
  if (reservation.withdrawnOn !== undefined) throw E.reservationAlreadyWithdrawn(party, reservationId);
  return event(c);
}

function makeObjection(c: CommandOfType<'MakeObjection'>, a: Agreement): AgreementEvent {
  requireStatus(a, c.eventType);
  requireParty(a, c.data.party, 'data.party');
  requireParty(a, c.data.toParty, 'data.toParty');
  const id = c.data.reservationId;
  if (id !== undefined) {
    const reservation = reservationsOf(a, c.data.toParty).find((r) => r.reservationId === id);
    if (!reservation) throw E.reservationNotFound(c.data.toParty, id);
    if (reservation.withdrawnOn !== undefined) throw E.reservationAlreadyWithdrawn(c.data.toParty, id);
  }
  return event(c);
}

const reservationsOf = (a: Agreement, party: string) => a.partyActions?.[party]?.reservations ?? [];

function requireStatus(a: Agreement, type: keyof typeof ALLOWED_IN): void {
  const allowed = ALLOWED_IN[type];
  const status = a.status as OpenStatus;
  if (allowed.includes(status)) return;
  if (status === 'proposed') throw E.notSigned(type);
  if (allowed.length === 1 && allowed[0] === 'proposed') throw E.alreadySigned(type);
  if (allowed.length === 1 && allowed[0] === 'suspended') throw E.notSuspended(type);
  if (
    status === 'in_force' &&
    (type === 'AgreementEnteredIntoForce' || type === 'ProvisionalApplicationStarted')
  ) {
    throw E.alreadyInForce();
  }
  if (status === 'suspended') throw E.suspended(type);
  throw E.notInForce(type, status);
}

function requireParty(a: Agreement, party: string, field: string): void {
  if (!a.parties.includes(party)) throw E.notAParty(party, field);
}

function requireOrder(field: string, date: string, other: string, otherField: string): void {
  if (certainlyBefore(date, other)) throw E.dateBefore(field, date, other, otherField);
}

function checkDate(field: string, date: string, today: string): void {
  // Refused only when certainly in the future: the year of today may be recorded today.
  if (periodStart(date) > today) throw E.dateInFuture(field, date, today);
}

function event(c: AgreementCommand): AgreementEvent {
  return { type: c.eventType, occurredOn: c.occurredOn, data: c.data } as AgreementEvent;
}

/**
 * Decides a batch against a running state: each command sees the events before it. `history` (the
 * stream's recorded events) is needed only by a retraction, after which the state is the live
 * events refolded.
 */
export function decideAll(
  commands: readonly AgreementCommand[],
  state: AgreementState = initialState(),
  history: readonly RecordedEvent[] = [],
) {
  const events: AgreementEvent[] = [];
  const seen: RecordedEvent[] = [...history];
  let current = state;
  for (const command of commands) {
    for (const e of decide(command, current, seen)) {
      const streamId = command.agreementId;
      seen.push({ ...e, eventId: '' });
      current =
        e.type === 'EventRetracted'
          ? fold(liveEvents(seen).map((r) => ({ ...r, streamId })))
          : evolve(current, { ...e, streamId });
      events.push(e);
    }
  }
  return { events, state: current };
}

/** True when a batch of commands needs the stream's history to be decided. */
export const needsHistory = (commands: readonly AgreementCommand[]): boolean =>
  commands.some((c) => c.type === 'RetractEvent');
