import { STATUSES, type AgreementStatus } from '../../domain/agreement.state.js';
import { summaryOf, type AgreementSummary, type AgreementView } from '../status/status.reader.js';

/** A party's agreements, partners and contributions, computed from its agreements' states. */

export type PortfolioAgreement = AgreementSummary & {
  /** Set when the party has left this agreement. */
  withdrewOn?: string;
};

export interface ContributionTotal {
  category: string;
  unit: string;
  amount: number;
}

/** The party's and one partner's contributions to the agreements they share. */
export interface SharedContribution {
  category: string;
  unit: string;
  own: number;
  partner: number;
  /** own / (own + partner): 0.5 is balance. */
  ownShare: number;
  partnerShare: number;
}

export interface Partner {
  party: string;
  sharedAgreements: number;
  /** The shared agreements by provision (an agreement counts once for each of its provisions). */
  byProvision: Record<string, number>;
  jointExercises: number;
  contributions: SharedContribution[];
}

export interface PartyPortfolio {
  party: string;
  agreements: {
    total: number;
    byStatus: Record<AgreementStatus, PortfolioAgreement[]>;
    /** Agreements by provision (an agreement counts once for each of its provisions). */
    byProvision: Record<string, number>;
    /** Agreements by where they come from: atop, dcad, or ledger (recorded here). */
    bySource: Record<string, number>;
  };
  partners: Partner[];
  /** Everything the party has recorded, across all its agreements. */
  contributions: ContributionTotal[];
}

/**
 * Pure. `agreements` are every agreement the party is or was a party to;
 * `jointExercises` counts, per partner, the exercises both took part in.
 */
export function portfolioOf(
  party: string,
  agreements: readonly AgreementView[],
  jointExercises: ReadonlyMap<string, number>,
): PartyPortfolio {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, [] as PortfolioAgreement[]])) as Record<
    AgreementStatus,
    PortfolioAgreement[]
  >;
  const shared = new Map<string, number>();
  const sums = new Map<string, Map<string, { own: number; partner: number }>>();
  const own = new Map<string, number>();
  const byProvision: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  const partnerProvisions = new Map<string, Record<string, number>>();

  for (const a of agreements) {
    for (const p of a.provisions) byProvision[p] = (byProvision[p] ?? 0) + 1;
    const source = sourceOf(a);
    bySource[source] = (bySource[source] ?? 0) + 1;
    const former = a.parties.includes(party) ? undefined : a.formerParties.find((f) => f.party === party);
    byStatus[a.status].push({ ...summaryOf(a), ...(former ? { withdrewOn: former.withdrawnOn } : {}) });
    const mine = a.contributions[party] ?? {};
    for (const [key, amount] of Object.entries(mine)) own.set(key, (own.get(key) ?? 0) + amount);

    const partners = new Set([...a.parties, ...a.formerParties.map((f) => f.party)]);
    partners.delete(party);
    for (const partner of partners) {
      shared.set(partner, (shared.get(partner) ?? 0) + 1);
      const counts = partnerProvisions.get(partner) ?? {};
      partnerProvisions.set(partner, counts);
      for (const p of a.provisions) counts[p] = (counts[p] ?? 0) + 1;
      const bucket = sums.get(partner) ?? new Map<string, { own: number; partner: number }>();
      sums.set(partner, bucket);
      const add = (key: string, side: 'own' | 'partner', amount: number) => {
        const entry = bucket.get(key) ?? { own: 0, partner: 0 };
        entry[side] += amount;
        bucket.set(key, entry);
      };
      for (const [key, amount] of Object.entries(mine)) add(key, 'own', amount);
      for (const [key, amount] of Object.entries(a.contributions[partner] ?? {})) add(key, 'partner', amount);
    }
  }

  const partners: Partner[] = [...shared]
    .map(([partner, count]) => ({
      party: partner,
      sharedAgreements: count,
      byProvision: partnerProvisions.get(partner) ?? {},
      jointExercises: jointExercises.get(partner) ?? 0,
      contributions: [...(sums.get(partner) ?? new Map<string, { own: number; partner: number }>())]
        .sort(([a], [b]) => compare(a, b))
        .map(([key, { own: o, partner: p }]) => ({
          ...categoryAndUnit(key),
          own: o,
          partner: p,
          ownShare: share(o, o + p),
          partnerShare: share(p, o + p),
        })),
    }))
    .sort((a, b) => b.sharedAgreements - a.sharedAgreements || compare(a.party, b.party));

  return {
    party,
    agreements: { total: agreements.length, byStatus, byProvision, bySource },
    partners,
    contributions: [...own]
      .sort(([a], [b]) => compare(a, b))
      .map(([key, amount]) => ({ ...categoryAndUnit(key), amount })),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Where an agreement comes from: the dataset its reference names (ATOP, DCAD), else this ledger. */
function sourceOf(a: AgreementView): string {
  const series = a.references?.find((r) => r.series === 'ATOP' || r.series === 'DCAD')?.series;
  return series ? series.toLowerCase() : 'ledger';
}

/** Shares to four decimals; the amounts themselves are exact. */
const share = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** Contributions are keyed "category:unit"; categories have no colon, units may. */
function categoryAndUnit(key: string): { category: string; unit: string } {
  const at = key.indexOf(':');
  return { category: key.slice(0, at), unit: key.slice(at + 1) };
}
