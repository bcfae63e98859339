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

export type ChainedEvent = HashedFields & { prevHash: string; hash: string; position: number };

/** Checks one stream's chain event by event, so a long stream can be verified page by page. */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private nextVersion = 1;
  private checked = 0;
  private firstInvalid: number | null = null;

  /** False once an event breaks the chain (a gap, a changed prevHash, or content that no longer hashes). */
  add(e: ChainedEvent): boolean {
    if (this.firstInvalid !== null) return false;
    this.checked++;
    if (e.version !== this.nextVersion || e.prevHash !== this.prev || eventHash(this.prev, e) !== e.hash) {
      this.firstInvalid = e.position;
      return false;
    }
    this.prev = e.hash;
    this.nextVersion++;
    return true;
  }

  result(): ChainCheck {
    return {
      valid: this.firstInvalid === null,
      checked: this.checked,
      firstInvalidPosition: this.firstInvalid,
    };
  }
}

/** Recomputes a stream's chain from raw stored events in version order. */
export function verifyChain(events: Iterable<ChainedEvent>): ChainCheck {
  const verifier = new ChainVerifier();
  for (const e of events) if (!verifier.add(e)) break;
  return verifier.result();
}
