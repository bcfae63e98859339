import type { NewEvent } from '../src/event-store/event-store.port.js';

/**
 * The history every bench agreement starts with: proposed by the USA and Japan, then signed by
 * each (versions 1–3), recorded with the given metadata.
 */
export function signedAgreement(metadata: NewEvent['metadata']): NewEvent[] {
  return [
    {
      type: 'AgreementProposed',
      occurredOn: '2020-01-01',
      metadata,
      data: {
        title: 'Bench agreement',
        parties: ['USA', 'JPN'],
        provisions: ['consultation', 'joint_exercises'],
        reviewEveryMonths: 12,
      },
    },
    ...['USA', 'JPN'].map((party): NewEvent => ({
      type: 'AgreementSigned',
      occurredOn: '2020-02-01',
      metadata,
      data: { party },
    })),
  ];
}
