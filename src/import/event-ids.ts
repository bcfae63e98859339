import { createHash } from 'node:crypto';

/**
 * The namespace of every import event id (a fixed random UUID; ATOP's ids were made with it first, so
 * it stays, or a re-run would see every event as new).
 */
const NAMESPACE = 'b1c5a6e2-7d0f-4c2e-9a8e-3f6d2b4a9c17';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace and name): the same event of the
 * same agreement (its name starts with the agreement id) gets the same id on every run.
 */
export function eventIdFor(name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
