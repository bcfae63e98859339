import { describe, expect, it } from '@jest/globals';
import type { AgreementEvent, AgreementEventType, EventData } from '../../domain/agreement.events.js';
import { fold } from '../../domain/agreement.state.js';
import type { AgreementView } from '../status/status.reader.js';
import { portfolioOf } from './portfolio.js';

const ev = <T extends AgreementEventType>(type: T, occurredOn: string, data: EventData<T>) =>
  ({ type, occurredOn, data }) as AgreementEvent;

function view(id: string, parties: string[], more: AgreementEvent[] = []): AgreementView {
  const events = [
    ev('AgreementProposed', '2020-01-01', { title: `Treaty ${id}`, parties, provisions: ['consultation'] }),
    ...parties.map((party) => ev('AgreementSigned', '2020-02-01', { party })),
    ev('AgreementEnteredIntoForce', '2020-03-01', {}),
    ...more,
  ];
  const state = fold(events.map((e) => ({ ...e, streamId: id })));
  if (state.status === 'none') throw new Error('no agreement');
  return { ...state, version: events.length };
}

const contribution = (party: string, amount: number, category = 'funding', unit = 'USD') =>
  ev('ContributionRecorded', '2020-04-01', {
    party,
    category,
    amount,
    unit,
  } as EventData<'ContributionRecorded'>);

describe('portfolioOf', () => {
  it('is all empty lists for a party with no agreements', () => {
    const p = portfolioOf('NZL', [], new Map());
    expect(p).toEqual({
      party: 'NZL',
      agreements: {
        total: 0,
        byStatus: { proposed: [], signed: [], in_force: [], suspended: [], withdrawn: [], terminated: [] },
        byProvision: {},
        bySource: {},
      },
      partners: [],
      contributions: [],
    });
  });

  it('groups agreements by status and marks those the party has left', () => {
    const left = view(
      'aus-jpn-usa',
      ['AUS', 'JPN', 'USA'],
      [ev('AgreementWithdrawn', '2021-01-01', { party: 'USA' })],
    );
    const ended = view(
      'usa-kor',
      ['USA', 'KOR'],
      [ev('AgreementTerminated', '2021-01-01', { reason: 'expired' })],
    );
    const p = portfolioOf('USA', [left, ended, view('usa-jpn', ['USA', 'JPN'])], new Map());
    expect(p.agreements.total).toBe(3);
    expect(p.agreements.byStatus.in_force.map((a) => [a.id, a.withdrewOn])).toEqual([
      ['aus-jpn-usa', '2021-01-01'],
      ['usa-jpn', undefined],
    ]);
    expect(p.agreements.byStatus.terminated.map((a) => a.id)).toEqual(['usa-kor']);
  });

  it('counts shared agreements and passes joint exercises through, busiest partner first', () => {
    const p = portfolioOf(
      'USA',
      [view('a-one', ['USA', 'JPN']), view('a-two', ['USA', 'JPN', 'KOR']), view('a-three', ['USA', 'AUS'])],
      new Map([['JPN', 4]]),
    );
    expect(p.partners.map((x) => [x.party, x.sharedAgreements, x.jointExercises])).toEqual([
      ['JPN', 2, 4],
      ['AUS', 1, 0],
      ['KOR', 1, 0],
    ]);
  });

  it('counts agreements by provision and by source, and each partner by provision', () => {
    const imported = (id: string, parties: string[], provisions: string[], series: 'ATOP' | 'DCAD') => {
      const state = fold([
        {
          ...ev('AgreementProposed', '2020-01-01', {
            title: id,
            parties,
            provisions,
            references: [{ series, number: id }],
          } as EventData<'AgreementProposed'>),
          streamId: id,
        },
      ]);
      if (state.status === 'none') throw new Error('no agreement');
      return { ...state, version: 1 };
    };
    const p = portfolioOf(
      'USA',
      [
        view('a-one', ['USA', 'JPN']),
        imported('dcad-0001', ['USA', 'CAN'], ['arms_transfer', 'joint_exercises'], 'DCAD'),
        imported('dcad-0002', ['USA', 'CAN'], ['joint_exercises'], 'DCAD'),
        imported('atop-3180', ['USA', 'CAN', 'GBR'], ['mutual_defense', 'consultation'], 'ATOP'),
      ],
      new Map(),
    );
    expect(p.agreements.byProvision).toEqual({
      consultation: 2,
      arms_transfer: 1,
      joint_exercises: 2,
      mutual_defense: 1,
    });
    expect(p.agreements.bySource).toEqual({ ledger: 1, dcad: 2, atop: 1 });
    expect(p.partners.find((x) => x.party === 'CAN')?.byProvision).toEqual({
      arms_transfer: 1,
      joint_exercises: 2,
      mutual_defense: 1,
      consultation: 1,
    });
  });

  it("sets the party's contributions against each partner's on the agreements they share", () => {
    const p = portfolioOf(
      'USA',
      [
        view('a-one', ['USA', 'JPN'], [contribution('USA', 300), contribution('JPN', 100)]),
        view(
          'a-two',
          ['USA', 'JPN', 'KOR'],
          [contribution('USA', 100), contribution('KOR', 50, 'personnel', 'people')],
        ),
      ],
      new Map(),
    );
    const jpn = p.partners.find((x) => x.party === 'JPN')!;
    expect(jpn.contributions).toEqual([
      { category: 'funding', unit: 'USD', own: 400, partner: 100, ownShare: 0.8, partnerShare: 0.2 },
    ]);
    const kor = p.partners.find((x) => x.party === 'KOR')!;
    expect(kor.contributions).toEqual([
      { category: 'funding', unit: 'USD', own: 100, partner: 0, ownShare: 1, partnerShare: 0 },
      { category: 'personnel', unit: 'people', own: 0, partner: 50, ownShare: 0, partnerShare: 1 },
    ]);
    expect(p.contributions).toEqual([{ category: 'funding', unit: 'USD', amount: 400 }]);
  });

  it('keeps a unit that holds a colon whole', () => {
    const p = portfolioOf(
      'USA',
      [view('a-one', ['USA', 'JPN'], [contribution('USA', 5, 'equipment', 'm:3')])],
      new Map(),
    );
    expect(p.contributions).toEqual([{ category: 'equipment', unit: 'm:3', amount: 5 }]);
  });
});
