import { commandFor } from '../../src/agreements/domain/agreement.commands.js';
import { decide } from '../../src/agreements/domain/agreement.decider.js';
import { DomainError } from '../../src/agreements/domain/agreement.errors.js';
import type { AgreementEventType, EventData } from '../../src/agreements/domain/agreement.events.js';
import { evolve, initialState, type AgreementState } from '../../src/agreements/domain/agreement.state.js';
import { PROVISIONS } from '../../src/agreements/domain/agreement.values.js';
import { addMonths } from '../../src/agreements/domain/dates.js';

/**
 * Random but valid agreement histories: each candidate event is checked with the domain's
 * own `decide` against the state folded so far, so the server accepts every one. Dates
 * wander (backfills are common) and every event type occurs.
 */

export type Random = () => number;

/** mulberry32: small, seedable, good enough to shuffle test data. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PARTY_POOL = ['USA', 'JPN', 'KOR', 'AUS', 'GBR', 'FRA', 'DEU', 'CAN', 'COW-BAV', 'PHL'];

export interface ProposeBody {
  id: string;
  title: string;
  parties: string[];
  provisions: string[];
  occurredOn: string;
  termMonths?: number;
  reviewEveryMonths?: number;
}

export interface EventBody {
  type: AgreementEventType;
  occurredOn: string;
  data: Record<string, unknown>;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysFrom = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** How often each type is tried: everyday events often, endings rarely. */
const WEIGHTS: [AgreementEventType, number][] = [
  ['AgreementSigned', 12],
  ['AgreementEnteredIntoForce', 6],
  ['AgreementRatified', 3],
  ['ExerciseHeld', 8],
  ['ConsultationHeld', 5],
  ['ContributionRecorded', 8],
  ['MilestoneCommitted', 6],
  ['MilestoneMet', 5],
  ['ReviewConducted', 3],
  ['AgreementAmended', 2],
  ['PartyAcceded', 2],
  ['AgreementSuspended', 1],
  ['AgreementResumed', 3],
  ['AgreementRenewed', 1],
  ['AgreementWithdrawn', 1],
  ['AgreementTerminated', 0.4],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

export class RandomAgreement {
  state: AgreementState = initialState();
  private milestones = 0;

  constructor(
    readonly id: string,
    private readonly rand: Random,
    private readonly today: string,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }
  private some<T>(items: readonly T[], min: number): T[] {
    const shuffled = [...items].sort(() => this.rand() - 0.5);
    return shuffled.slice(0, min + Math.floor(this.rand() * (items.length - min + 1)));
  }
  private dateBetween(from: string, to: string): string {
    return addDays(from, Math.floor(this.rand() * (daysFrom(from, to) + 1)));
  }

  propose(): ProposeBody {
    const parties = this.some(PARTY_POOL, 2).slice(0, 2 + Math.floor(this.rand() * 3));
    const body: ProposeBody = {
      id: this.id,
      title: `Random agreement ${this.id}`,
      parties,
      provisions: this.some(PROVISIONS, 1).slice(0, 3),
      occurredOn: this.dateBetween('2000-01-01', addDays(this.today, -400)),
      ...(this.rand() < 0.5 ? { termMonths: 12 + Math.floor(this.rand() * 120) } : {}),
      ...(this.rand() < 0.6 ? { reviewEveryMonths: 6 + Math.floor(this.rand() * 30) } : {}),
    };
    this.accept('AgreementProposed', body.occurredOn, {
      title: body.title,
      parties: body.parties,
      provisions: body.provisions,
      ...(body.termMonths ? { termMonths: body.termMonths } : {}),
      ...(body.reviewEveryMonths ? { reviewEveryMonths: body.reviewEveryMonths } : {}),
    });
    return body;
  }

  /** The next valid event, or undefined when nothing more can happen (the agreement ended). */
  next(): EventBody | undefined {
    const a = this.state;
    if (a.status === 'none' || a.status === 'withdrawn' || a.status === 'terminated') return undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      const type = this.pickType();
      const occurredOn = this.dateBetween(a.proposedOn, this.today);
      const data = this.dataFor(type, occurredOn);
      if (data && this.accept(type, occurredOn, data)) return { type, occurredOn, data };
    }
    return undefined;
  }

  private pickType(): AgreementEventType {
    let r = this.rand() * TOTAL_WEIGHT;
    for (const [type, w] of WEIGHTS) if ((r -= w) < 0) return type;
    return 'ConsultationHeld';
  }

  private accept(type: AgreementEventType, occurredOn: string, data: Record<string, unknown>): boolean {
    const command = commandFor(type, {
      agreementId: this.id,
      occurredOn,
      data: data as EventData<typeof type>,
      today: this.today,
    });
    try {
      for (const e of decide(command, this.state))
        this.state = evolve(this.state, { ...e, streamId: this.id });
      return true;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  }

  private dataFor(type: AgreementEventType, on: string): Record<string, unknown> | undefined {
    const a = this.state;
    if (a.status === 'none') return undefined;
    switch (type) {
      case 'AgreementSigned':
        return { party: this.pick(a.parties) };
      case 'AgreementEnteredIntoForce':
        return {};
      case 'AgreementRatified':
        return {
          party: this.pick(a.parties),
          instrument: this.pick(['ratification', 'acceptance', 'approval']),
        };
      case 'ExerciseHeld': {
        const startedOn = this.dateBetween(a.proposedOn, this.today);
        return {
          name: `Exercise ${Math.floor(this.rand() * 1000)}`,
          startedOn,
          ...(this.rand() < 0.5 ? { endedOn: addDays(startedOn, Math.floor(this.rand() * 20)) } : {}),
          participants: this.some(a.parties, 1),
        };
      }
      case 'ConsultationHeld':
        return { level: this.pick(['summit', 'ministerial', 'working']), topics: ['posture'] };
      case 'ContributionRecorded':
        return {
          party: this.pick(a.parties),
          category: this.pick(['funding', 'personnel', 'equipment', 'facilities']),
          amount: 1 + Math.floor(this.rand() * 1000),
          unit: this.pick(['USD', 'EUR', 'people']),
        };
      case 'MilestoneCommitted':
        return {
          milestoneId: `m-${++this.milestones}`,
          description: 'Deliver something',
          owner: this.pick(a.parties),
          dueOn: addDays(this.today, Math.floor(this.rand() * 1400) - 900),
        };
      case 'MilestoneMet': {
        const open = Object.entries(a.milestones).filter(([, m]) => m.metOn === undefined);
        return open.length ? { milestoneId: this.pick(open)[0] } : undefined;
      }
      case 'ReviewConducted':
        return {
          outcome: this.pick(['reaffirmed', 'amendment_recommended', 'concerns_raised']),
          ...(this.rand() < 0.5 ? { nextReviewDue: addMonths(on, 1 + Math.floor(this.rand() * 24)) } : {}),
        };
      case 'AgreementAmended':
        return {
          summary: 'Adjusts the terms',
          changes:
            this.rand() < 0.5
              ? { termMonths: 12 + Math.floor(this.rand() * 120) }
              : { reviewEveryMonths: 12 },
        };
      case 'PartyAcceded': {
        const outside = PARTY_POOL.filter((p) => !a.parties.includes(p));
        return outside.length ? { party: this.pick(outside) } : undefined;
      }
      case 'AgreementSuspended':
      case 'AgreementResumed':
        return { reason: 'Political crisis' };
      case 'AgreementRenewed':
        return { newTermEndsOn: addMonths(on, 12 + Math.floor(this.rand() * 60)) };
      case 'AgreementWithdrawn':
        return {
          party: this.pick(a.parties),
          ...(this.rand() < 0.5 ? { effectiveOn: addDays(on, Math.floor(this.rand() * 700)) } : {}),
        };
      case 'AgreementTerminated':
        return { reason: this.pick(['expired', 'mutual_consent', 'denounced']) };
      default:
        return undefined;
    }
  }
}
