/**
 * Named refusals. `kind` picks the HTTP status once, in the problem-details filter:
 * invalid → 400, not_found → 404, conflict → 409.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly field?: string,
    /** Further members of the problem body (the events a retraction would leave invalid). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

const conflict = (code: string, message: string, field?: string) =>
  new DomainError(code, 'conflict', message, field);
const invalid = (code: string, message: string, field?: string) =>
  new DomainError(code, 'invalid', message, field);

export const AgreementErrors = {
  notFound: (id: string) =>
    new DomainError('AgreementNotFound', 'not_found', `Agreement ${id} does not exist`),
  alreadyExists: (id: string) =>
    conflict('AgreementAlreadyExists', `Agreement ${id} has already been proposed`),
  closed: (status: string) =>
    conflict('AgreementClosed', `The agreement is ${status}: nothing can be recorded after it ended`),
  notSigned: (type: string) =>
    conflict('AgreementNotSigned', `${type} needs an agreement signed by all its parties`),
  notInForce: (type: string, status: string) =>
    conflict('AgreementNotInForce', `${type} needs an agreement in force; it is ${status}`),
  notSuspended: (type: string) => conflict('AgreementNotSuspended', `${type} needs a suspended agreement`),
  suspended: (type: string) =>
    conflict('AgreementSuspended', `${type} is not allowed while the agreement is suspended`),
  alreadySigned: (type: string) =>
    conflict('AgreementAlreadySigned', `${type} is only allowed while the agreement is proposed`),
  alreadyInForce: () => conflict('AgreementAlreadyInForce', 'The agreement has already entered into force'),
  notAParty: (party: string, field: string) =>
    conflict('NotAParty', `${party} is not a party to the agreement`, field),
  partyAlreadySigned: (party: string) =>
    conflict('PartyAlreadySigned', `${party} has already signed`, 'data.party'),
  partyNotSigned: (party: string) =>
    conflict('PartyNotSigned', `${party} has not signed the agreement`, 'data.party'),
  partyAlreadyRatified: (party: string) =>
    conflict('PartyAlreadyRatified', `${party} has already ratified the agreement`, 'data.party'),
  alreadyAParty: (party: string) => conflict('AlreadyAParty', `${party} is already a party`, 'data.party'),
  reservationExists: (party: string, id: string) =>
    conflict('ReservationAlreadyMade', `${party} has already made reservation ${id}`, 'data.reservationId'),
  reservationNotFound: (party: string, id: string) =>
    conflict('ReservationNotFound', `${party} has made no reservation ${id}`, 'data.reservationId'),
  reservationAlreadyWithdrawn: (party: string, id: string) =>
    conflict(
      'ReservationAlreadyWithdrawn',
      `${party} has already withdrawn reservation ${id}`,
      'data.reservationId',
    ),
  noPendingWithdrawal: (party: string) =>
    conflict('NoPendingWithdrawal', `${party} has no notice of withdrawal to rescind`, 'data.party'),
  provisionalApplicationStarted: (party: string) =>
    conflict(
      'ProvisionalApplicationAlreadyStarted',
      `${party} already applies the agreement provisionally`,
      'data.party',
    ),
  milestoneExists: (id: string) =>
    conflict('MilestoneAlreadyCommitted', `Milestone ${id} has already been committed`, 'data.milestoneId'),
  milestoneNotFound: (id: string) =>
    conflict('MilestoneNotFound', `Milestone ${id} has not been committed`, 'data.milestoneId'),
  milestoneAlreadyMet: (id: string) =>
    conflict('MilestoneAlreadyMet', `Milestone ${id} has already been met`, 'data.milestoneId'),
  dateInFuture: (field: string, date: string, today: string) =>
    invalid('DateInFuture', `${field} ${date} is in the future (today is ${today})`, field),
  dateBeforeProposal: (field: string, date: string, proposedOn: string) =>
    conflict(
      'DateBeforeProposal',
      `${field} ${date} is before the agreement was proposed (${proposedOn})`,
      field,
    ),
  dateBefore: (field: string, date: string, other: string, otherField: string) =>
    invalid('DateOutOfOrder', `${field} ${date} must not be before ${otherField} ${other}`, field),
  // Like MilestoneNotFound: the agreement exists, the body names something it does not hold (409).
  eventNotFound: (eventId: string) =>
    conflict('EventNotFound', `No event ${eventId} is recorded for this agreement`, 'data.eventId'),
  retractionNotRetractable: (eventId: string) =>
    conflict(
      'RetractionNotRetractable',
      `Event ${eventId} is itself a retraction: a retraction cannot be retracted`,
      'data.eventId',
    ),
  linkedToItself: (id: string) =>
    conflict('LinkedToItself', `Agreement ${id} cannot be the same treaty as itself`, 'data.sameAs'),
  alreadyLinked: (id: string) =>
    conflict('AlreadyLinked', `The agreement is already linked to ${id}`, 'data.sameAs'),
  alreadyRetracted: (eventId: string) =>
    conflict('EventAlreadyRetracted', `Event ${eventId} has already been retracted`, 'data.eventId'),
  retractionBreaksStream: (eventId: string, dependents: readonly string[]) =>
    new DomainError(
      'RetractionBreaksStream',
      'conflict',
      `Retracting event ${eventId} would leave events that depend on it invalid: ${dependents.join(', ')} ` +
        '(retract those first)',
      'data.eventId',
      { dependents: [...dependents] },
    ),
};
