import type { AgreementEvent } from '../../domain/agreement.events.js';

const list = (items: readonly string[]) => items.join(', ');
const words = (s: string) => s.replaceAll('_', ' ');

/** One readable line per event, as shown in timelines. Pure. */
export function summarize(event: AgreementEvent): string {
  switch (event.type) {
    case 'AgreementProposed':
      return `Proposed "${event.data.title}" between ${list(event.data.parties)}`;
    case 'AgreementSigned':
      return `${event.data.party} signed${event.data.signatory ? ` (${event.data.signatory})` : ''}`;
    case 'ExerciseHeld':
      return `Exercise ${event.data.name} held with ${list(event.data.participants)}${
        event.data.location ? ` at ${event.data.location}` : ''
      }`;
    case 'ReviewConducted':
      return `Review conducted: ${words(event.data.outcome)}${
        event.data.nextReviewDue ? `; next review due ${event.data.nextReviewDue}` : ''
      }`;
    case 'AgreementAmended':
      return `Amended: ${event.data.summary}`;
    case 'AgreementWithdrawn':
      return `${event.data.party} withdrew${event.data.effectiveOn ? `, effective ${event.data.effectiveOn}` : ''}${
        event.data.reason ? ` (${event.data.reason})` : ''
      }`;
    case 'AgreementRatified':
      return `${event.data.party} deposited its instrument of ${event.data.instrument}`;
    case 'AgreementEnteredIntoForce':
      return 'Entered into force';
    case 'PartyAcceded':
      return `${event.data.party} acceded`;
    case 'MilestoneCommitted':
      return `${event.data.owner} committed to "${event.data.description}" by ${event.data.dueOn}`;
    case 'MilestoneMet':
      return `Milestone ${event.data.milestoneId} met`;
    case 'ConsultationHeld':
      return `${event.data.level[0]!.toUpperCase()}${event.data.level.slice(1)} consultation on ${list(event.data.topics)}`;
    case 'ContributionRecorded':
      return `${event.data.party} contributed ${event.data.amount.toLocaleString('en-US')} ${event.data.unit} (${event.data.category})`;
    case 'AgreementSuspended':
      return `Suspended: ${event.data.reason}`;
    case 'AgreementResumed':
      return `Resumed: ${event.data.reason}`;
    case 'AgreementRenewed':
      return `Renewed until ${event.data.newTermEndsOn}`;
    case 'ReservationMade':
      return `${event.data.party} made a reservation${
        event.data.articles
          ? ` to article${event.data.articles.length > 1 ? 's' : ''} ${list(event.data.articles)}`
          : ''
      }: ${event.data.text}`;
    case 'ReservationWithdrawn':
      return `${event.data.party} withdrew its reservation ${event.data.reservationId}`;
    case 'DeclarationMade':
      return `${event.data.party} declared: ${event.data.text}`;
    case 'ObjectionMade':
      return `${event.data.party} objected to ${
        event.data.reservationId ? `reservation ${event.data.reservationId} of ` : ''
      }${event.data.toParty}: ${event.data.text}`;
    case 'WithdrawalRescinded':
      return `${event.data.party} rescinded its notice of withdrawal${event.data.reason ? ` (${event.data.reason})` : ''}`;
    case 'ProvisionalApplicationStarted':
      return `${event.data.party} began applying the agreement provisionally`;
    case 'SuccessionNotified':
      return `${event.data.party} notified its succession to ${event.data.predecessor}`;
    case 'AgreementLinked':
      return `The same treaty as ${event.data.sameAs}: ${event.data.reason}`;
    case 'EventRetracted':
      return `Retracted event ${event.data.eventId} as recorded in error: ${event.data.reason}`;
    case 'AgreementTerminated':
      return `Terminated (${words(event.data.reason)})${event.data.supersededBy ? `, superseded by ${event.data.supersededBy}` : ''}`;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
