import { describe, expect, it } from '@jest/globals';
import {
  canonicalJson,
  eventHash,
  GENESIS_HASH,
  verifyChain,
  type HashedFields,
} from '../../src/event-store/hashing.js';

describe('canonicalJson', () => {
  it('does not depend on the order keys were written in', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe(canonicalJson({ c: 3, a: 2, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    const one = { z: { y: 1, x: [{ b: 1, a: 2 }] }, a: null };
    const two = { a: null, z: { x: [{ a: 2, b: 1 }], y: 1 } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe('{"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}}');
  });

  it('keeps the order of array items', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ list: [3, 1, 2] })).not.toBe(canonicalJson({ list: [1, 2, 3] }));
  });

  it('drops undefined properties, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: { b: undefined, c: 2 } })).toBe('{"a":{"c":2}}');
  });

  it('is JSON that parses back to the same value, escapes and Unicode included', () => {
    const value = { text: 'quote " backslash \\ newline \n 日本 🇯🇵', n: -1.5, t: true, f: false, none: null };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

function chain(count: number): (HashedFields & { prevHash: string; hash: string; position: number })[] {
  const events = [];
  let prevHash = GENESIS_HASH;
  for (let version = 1; version <= count; version++) {
    const fields: HashedFields = {
      streamId: 'usa-jpn-1960',
      version,
      eventId: `event-${version}`,
      type: 'TestHappened',
      schemaVersion: 1,
      data: { note: `note ${version}`, list: [version, version + 1] },
      metadata: { actor: 'unit-test' },
      occurredOn: '1960-01-19',
      recordedAt: '2026-01-15T10:00:00.000Z',
    };
    const hash = eventHash(prevHash, fields);
    events.push({ ...fields, position: 100 + version * 10, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

describe('eventHash', () => {
  const [first] = chain(1);

  it('is a SHA-256 hex digest that does not depend on key order', () => {
    const hash = eventHash(GENESIS_HASH, first!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { ...first!, data: { list: [1, 2], note: 'note 1' } };
    expect(eventHash(GENESIS_HASH, reordered)).toBe(hash);
  });

  it('changes with the previous hash and with every hashed field', () => {
    const hash = eventHash(GENESIS_HASH, first!);
    expect(eventHash('f'.repeat(64), first!)).not.toBe(hash);
    const changes: Partial<HashedFields>[] = [
      { streamId: 'other' },
      { version: 2 },
      { eventId: 'other' },
      { type: 'Other' },
      { schemaVersion: 2 },
      { data: { note: 'note 2', list: [1, 2] } },
      { metadata: { actor: 'someone else' } },
      { occurredOn: '1960-01-20' },
      { recordedAt: '2026-01-15T10:00:00.001Z' },
    ];
    for (const change of changes)
      expect([change, eventHash(GENESIS_HASH, { ...first!, ...change })]).not.toEqual([change, hash]);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verifyChain(chain(3))).toEqual({ valid: true, checked: 3, firstInvalidPosition: null });
    expect(verifyChain([])).toEqual({ valid: true, checked: 0, firstInvalidPosition: null });
  });

  it('detects changed data at the changed event', () => {
    const events = chain(3);
    const changed = { ...events[1]!, data: { note: 'note 2!', list: [2, 3] } };
    events[1] = changed;
    expect(verifyChain(events)).toEqual({ valid: false, checked: 2, firstInvalidPosition: changed.position });
  });

  it('detects a changed prevHash even when the event’s own hash was recomputed to match', () => {
    const events = chain(3);
    const forgedPrev = 'a'.repeat(64);
    const forged = { ...events[1]!, prevHash: forgedPrev, hash: eventHash(forgedPrev, events[1]!) };
    events[1] = forged;
    expect(verifyChain(events)).toEqual({ valid: false, checked: 2, firstInvalidPosition: forged.position });
  });

  it('detects a version gap even when the hashes were recomputed around it', () => {
    const events = chain(4);
    events.splice(2, 1); // versions 1, 2, 4
    const gap = events[2]!;
    events[2] = { ...gap, prevHash: events[1]!.hash, hash: eventHash(events[1]!.hash, gap) };
    expect(verifyChain(events)).toEqual({ valid: false, checked: 3, firstInvalidPosition: gap.position });
  });

  it('requires the first event to be version 1 and to follow GENESIS_HASH', () => {
    const [, second] = chain(2);
    expect(verifyChain([second!]).firstInvalidPosition).toBe(second!.position);
    const [first] = chain(1);
    const notGenesis = 'b'.repeat(64);
    const rehashed = { ...first!, prevHash: notGenesis, hash: eventHash(notGenesis, first!) };
    expect(verifyChain([rehashed]).firstInvalidPosition).toBe(first!.position);
  });
});
