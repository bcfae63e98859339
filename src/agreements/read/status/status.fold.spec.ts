import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { fold, initialState, type AgreementState } from '../../domain/agreement.state.js';
import { projectStatus } from './status.fold.js';

const stored = (
  version: number,
  type: string,
  occurredOn: string,
  data: Record<string, unknown>,
): StoredEvent => ({
  position: version,
  streamId: 'usa-jpn-2020',
  version,
  eventId: `e-${version}`,
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: 'test' },
  occurredOn,
  recordedAt: '2020-03-01T00:00:00.000Z',
  prevHash: '',
  hash: '',
});

const proposed = stored(1, 'AgreementProposed', '2020-01-01', {
  title: 'T',
  parties: ['USA', 'JPN'],
  provisions: ['consultation'],
});
const amended = stored(2, 'AgreementAmended', '2020-02-01', {
  summary: 'Adds a term',
  changes: { termMonths: 24 },
});
const roundTrip = (state: AgreementState) => JSON.parse(JSON.stringify(state)) as AgreementState;

describe('projectStatus', () => {
  it('stores the same text however the events were batched into appends', () => {
    const together = projectStatus(initialState(), [proposed, amended]);
    const apart = projectStatus(roundTrip(projectStatus(initialState(), [proposed])), [amended]);
    expect(JSON.stringify(together)).toBe(JSON.stringify(apart));
    expect((together as { termMonths?: number }).termMonths).toBe(24);
  });

  it('never leaves a key undefined, so a JSON round trip changes nothing', () => {
    const folded = fold([
      {
        type: 'AgreementProposed',
        occurredOn: '2020-01-01',
        data: proposed.data,
        streamId: proposed.streamId,
      },
      { type: 'AgreementAmended', occurredOn: '2020-02-01', data: amended.data },
    ] as Parameters<typeof fold>[0]);
    const undefinedKeys = Object.entries(folded).filter(([, v]) => v === undefined);
    expect(undefinedKeys).toEqual([]);
    expect(JSON.stringify(roundTrip(folded))).toBe(JSON.stringify(folded));
  });

  it('keeps the status and id first, for people reading the API', () => {
    expect(Object.keys(projectStatus(initialState(), [proposed, amended])).slice(0, 3)).toEqual([
      'status',
      'id',
      'title',
    ]);
  });
});
