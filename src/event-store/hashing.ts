import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so equal content always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface HashedFields {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  occurredOn: string;
  recordedAt: string;
}

/** SHA-256 over the previous hash of the stream and the canonical JSON of the event. */
export function eventHash(prevHash: string, e: HashedFields): string {
  const { streamId, version, eventId, type, schemaVersion, data, metadata, occurredOn, recordedAt } = e;
  const body = canonicalJson({
    streamId,
    version,
    eventId,
    type,
    schemaVersion,
    data,
    metadata,
    occurredOn,
    recordedAt,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export interface ChainCheck {
  valid: boolean;
  checked: number;
  firstInvalidPosition: number | null;
}

/** Recomputes a stream's chain from raw stored events in version order. */
export function verifyChain(
  events: Iterable<HashedFields & { prevHash: string; hash: string; position: number }>,
): ChainCheck {
  let prev = GENESIS_HASH;
  let checked = 0;
  let expectedVersion = 1;
  for (const e of events) {
    checked++;
    if (e.version !== expectedVersion || e.prevHash !== prev || eventHash(prev, e) !== e.hash) {
      return { valid: false, checked, firstInvalidPosition: e.position };
    }
    prev = e.hash;
    expectedVersion++;
  }
  return { valid: true, checked, firstInvalidPosition: null };
}
