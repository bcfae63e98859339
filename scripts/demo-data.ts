import type { AgreementEventType, EventData } from '../src/agreements/domain/agreement.events.js';

/**
 * Demo data: a few well-known agreements, recorded as ordinary events (each marked
 * `demo: true` in its metadata). Dates come from the public record; the milestones and
 * reviews are a small, illustrative selection, not a complete history.
 */

export interface DemoEvent<T extends AgreementEventType = AgreementEventType> {
  type: T;
  occurredOn: string;
  data: EventData<T>;
}

export interface DemoAgreement {
  id: string;
  events: DemoEvent[];
}

const e = <T extends AgreementEventType>(type: T, occurredOn: string, data: EventData<T>): DemoEvent => ({
  type,
  occurredOn,
  data,
});

const signedBy = (on: string, signatories: Record<string, string>) =>
  Object.entries(signatories).map(([party, signatory]) => e('AgreementSigned', on, { party, signatory }));

const USA_JPN: DemoAgreement = {
  id: 'usa-jpn-1960',
  events: [
    e('AgreementProposed', '1960-01-06', {
      title: 'Treaty of Mutual Cooperation and Security between the United States and Japan',
      aliases: ['US–Japan Security Treaty', 'Anpo'],
      parties: ['USA', 'JPN'],
      provisions: ['mutual_defense', 'basing_access', 'consultation'],
      objectives: [
        'Act to meet an armed attack against either party in the territories under the administration of Japan',
        'Grant the United States the use of facilities and areas in Japan (Article VI)',
      ],
    }),
    ...signedBy('1960-01-19', { USA: 'Christian A. Herter', JPN: 'Nobusuke Kishi' }),
    e('AgreementLinked', '1960-01-19', {
      sameAs: 'atop-3375',
      reason: 'ATOP codes this treaty as alliance 3375',
    }),
    e('AgreementRatified', '1960-06-23', { party: 'USA', instrument: 'ratification' }),
    e('AgreementRatified', '1960-06-23', { party: 'JPN', instrument: 'ratification' }),
    e('AgreementEnteredIntoForce', '1960-06-23', {}),
    e('ReviewConducted', '1996-04-17', {
      outcome: 'reaffirmed',
      findings: 'Japan–U.S. Joint Declaration on Security: Alliance for the 21st Century',
    }),
    e('AgreementAmended', '1997-09-23', {
      summary:
        'Guidelines for Japan–U.S. Defense Cooperation revised: support in situations in areas surrounding Japan',
      changes: { provisions: ['mutual_defense', 'basing_access', 'consultation', 'logistics_support'] },
    }),
    e('MilestoneCommitted', '2006-05-01', {
      milestoneId: 'futenma-replacement',
      description: 'Complete the Futenma Replacement Facility at Camp Schwab (Realignment Roadmap)',
      owner: 'JPN',
      dueOn: '2014-12-31',
    }),
    e('ReviewConducted', '2010-01-19', {
      outcome: 'reaffirmed',
      findings:
        'Joint statement of the Security Consultative Committee on the 50th anniversary of the treaty',
    }),
    e('AgreementAmended', '2015-04-27', {
      summary: 'Guidelines for Japan–U.S. Defense Cooperation revised: seamless, alliance-wide cooperation',
      changes: {
        provisions: [
          'mutual_defense',
          'basing_access',
          'consultation',
          'logistics_support',
          'joint_exercises',
        ],
      },
    }),
    e('ExerciseHeld', '2020-10-26', {
      name: 'Keen Sword 21',
      startedOn: '2020-10-26',
      endedOn: '2020-11-05',
      participants: ['USA', 'JPN'],
      location: 'Japan',
    }),
    e('ContributionRecorded', '2022-01-07', {
      party: 'JPN',
      category: 'funding',
      amount: 1_055_100_000_000,
      unit: 'JPY',
    }),
    e('ExerciseHeld', '2022-11-10', {
      name: 'Keen Sword 23',
      startedOn: '2022-11-10',
      endedOn: '2022-11-19',
      participants: ['USA', 'JPN'],
      location: 'Japan',
    }),
    e('ConsultationHeld', '2023-01-11', {
      level: 'ministerial',
      topics: ['counterstrike capabilities', 'Marine Littoral Regiment in Okinawa'],
    }),
    e('ConsultationHeld', '2024-07-28', {
      level: 'ministerial',
      topics: ['command and control', 'extended deterrence', 'defense industrial cooperation'],
    }),
    e('ExerciseHeld', '2024-10-23', {
      name: 'Keen Sword 25',
      startedOn: '2024-10-23',
      endedOn: '2024-11-01',
      participants: ['USA', 'JPN'],
      location: 'Japan',
    }),
  ],
};

const USA_KOR: DemoAgreement = {
  id: 'usa-kor-1953',
  events: [
    e('AgreementProposed', '1953-08-08', {
      title: 'Mutual Defense Treaty between the United States and the Republic of Korea',
      parties: ['USA', 'KOR'],
      provisions: ['mutual_defense', 'basing_access', 'consultation'],
    }),
    ...signedBy('1953-10-01', { USA: 'John Foster Dulles', KOR: 'Pyun Yung-tai' }),
    e('AgreementRatified', '1954-11-17', { party: 'USA', instrument: 'ratification' }),
    e('AgreementRatified', '1954-11-17', { party: 'KOR', instrument: 'ratification' }),
    e('AgreementEnteredIntoForce', '1954-11-17', {}),
    e('MilestoneCommitted', '2010-06-26', {
      milestoneId: 'wartime-opcon-transition',
      description: 'Transfer wartime operational control of ROK forces to the ROK military',
      owner: 'KOR',
      dueOn: '2015-12-01',
    }),
    e('ReviewConducted', '2014-10-23', {
      outcome: 'amendment_recommended',
      findings: '46th Security Consultative Meeting: wartime OPCON transition to be conditions-based',
    }),
    e('ConsultationHeld', '2023-04-26', {
      level: 'summit',
      topics: ['Washington Declaration', 'Nuclear Consultative Group', 'extended deterrence'],
    }),
    e('ConsultationHeld', '2023-11-13', {
      level: 'ministerial',
      topics: ['55th Security Consultative Meeting', 'tailored deterrence strategy'],
    }),
    e('ExerciseHeld', '2024-03-04', {
      name: 'Freedom Shield 24',
      startedOn: '2024-03-04',
      endedOn: '2024-03-14',
      participants: ['USA', 'KOR'],
      location: 'Korean Peninsula',
    }),
    e('ExerciseHeld', '2024-08-19', {
      name: 'Ulchi Freedom Shield 24',
      startedOn: '2024-08-19',
      endedOn: '2024-08-29',
      participants: ['USA', 'KOR'],
      location: 'Korean Peninsula',
    }),
    e('ContributionRecorded', '2024-11-04', {
      party: 'KOR',
      category: 'funding',
      amount: 1_519_200_000_000,
      unit: 'KRW',
    }),
  ],
};

const AUKUS: DemoAgreement = {
  id: 'aus-gbr-usa-2021',
  events: [
    e('AgreementProposed', '2021-09-15', {
      title: 'AUKUS: Agreement for the Exchange of Naval Nuclear Propulsion Information',
      parties: ['AUS', 'GBR', 'USA'],
      provisions: ['technology_transfer', 'capability_building', 'intelligence_sharing', 'consultation'],
      objectives: ['Support Australia in acquiring conventionally armed, nuclear-powered submarines'],
    }),
    ...signedBy('2021-11-22', { AUS: 'Peter Dutton', GBR: 'Vicki Treadell', USA: 'Michael Goldman' }),
    e('AgreementEnteredIntoForce', '2022-02-08', {}),
    e('ConsultationHeld', '2023-03-13', { level: 'summit', topics: ['Optimal Pathway', 'SSN-AUKUS'] }),
    e('MilestoneCommitted', '2023-03-13', {
      milestoneId: 'srf-west',
      description:
        'Begin rotations of US and UK submarines through HMAS Stirling (Submarine Rotational Force-West)',
      owner: 'USA',
      dueOn: '2027-12-31',
    }),
    e('MilestoneCommitted', '2023-03-13', {
      milestoneId: 'virginia-class-sale',
      description: 'Sell Australia three Virginia-class submarines, subject to Congressional approval',
      owner: 'USA',
      dueOn: '2032-12-31',
    }),
    e('ConsultationHeld', '2023-12-01', {
      level: 'ministerial',
      topics: ['Pillar II advanced capabilities', 'maritime autonomy'],
    }),
    e('ConsultationHeld', '2024-09-26', {
      level: 'ministerial',
      topics: ['Pillar II', 'SSN-AUKUS progress'],
    }),
  ],
};

const NATO_FOUNDERS = {
  USA: 'Dean Acheson',
  GBR: 'Ernest Bevin',
  FRA: 'Robert Schuman',
  CAN: 'Lester B. Pearson',
  BEL: 'Paul-Henri Spaak',
  NLD: 'Dirk Stikker',
  LUX: 'Joseph Bech',
  NOR: 'Halvard Lange',
  DNK: 'Gustav Rasmussen',
  ISL: 'Bjarni Benediktsson',
  ITA: 'Carlo Sforza',
  PRT: 'José Caeiro da Matta',
};

const accessions = (on: string, parties: string[]) =>
  parties.map((party) => e('PartyAcceded', on, { party }));

const NATO: DemoAgreement = {
  id: 'north-atlantic-treaty-1949',
  events: [
    e('AgreementProposed', '1949-03-18', {
      title: 'North Atlantic Treaty',
      aliases: ['NATO', 'Washington Treaty'],
      parties: Object.keys(NATO_FOUNDERS),
      provisions: ['mutual_defense', 'consultation', 'joint_exercises'],
      objectives: [
        'An armed attack against one or more of the parties shall be considered an attack against them all',
      ],
    }),
    ...signedBy('1949-04-04', NATO_FOUNDERS),
    e('AgreementLinked', '1949-04-04', {
      sameAs: 'atop-3180',
      reason: 'ATOP codes this treaty as alliance 3180',
    }),
    e('AgreementEnteredIntoForce', '1949-08-24', {}),
    ...accessions('1952-02-18', ['GRC', 'TUR']),
    ...accessions('1955-05-06', ['DEU']),
    ...accessions('1982-05-30', ['ESP']),
    ...accessions('1999-03-12', ['CZE', 'HUN', 'POL']),
    ...accessions('2004-03-29', ['BGR', 'EST', 'LVA', 'LTU', 'ROU', 'SVK', 'SVN']),
    ...accessions('2009-04-01', ['ALB', 'HRV']),
    e('ReviewConducted', '2010-11-19', {
      outcome: 'reaffirmed',
      findings: 'Lisbon Summit adopts a new Strategic Concept',
    }),
    e('MilestoneCommitted', '2014-09-05', {
      milestoneId: 'wales-pledge-deu',
      description:
        'Move towards spending 2% of GDP on defence within a decade (Wales Defence Investment Pledge)',
      owner: 'DEU',
      dueOn: '2024-09-05',
    }),
    ...accessions('2017-06-05', ['MNE']),
    ...accessions('2020-03-27', ['MKD']),
    e('ConsultationHeld', '2022-02-25', { level: 'summit', topics: ["Russia's invasion of Ukraine"] }),
    e('ReviewConducted', '2022-06-29', {
      outcome: 'reaffirmed',
      findings: 'Madrid Summit adopts the 2022 Strategic Concept',
    }),
    ...accessions('2023-04-04', ['FIN']),
    e('ExerciseHeld', '2024-01-22', {
      name: 'Steadfast Defender 24',
      startedOn: '2024-01-22',
      endedOn: '2024-05-31',
      participants: ['USA', 'GBR', 'DEU', 'FRA', 'POL', 'NOR', 'FIN', 'NLD', 'ITA', 'ESP', 'CAN'],
      location: 'Europe and the North Atlantic',
    }),
    ...accessions('2024-03-07', ['SWE']),
    e('MilestoneMet', '2024-06-17', {
      milestoneId: 'wales-pledge-deu',
      evidence: 'NATO estimates Germany’s 2024 defence expenditure at 2.12% of GDP',
    }),
    e('ConsultationHeld', '2024-07-10', {
      level: 'summit',
      topics: ['75th anniversary', 'support for Ukraine'],
    }),
  ],
};

export const DEMO_AGREEMENTS: readonly DemoAgreement[] = [USA_JPN, USA_KOR, AUKUS, NATO];
