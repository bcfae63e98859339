import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { newEventId } from './event-id.js';

describe('newEventId', () => {
  it('is a version-7 UUID (RFC 9562) with the RFC variant', () => {
    const id = newEventId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The same check the API applies to ids that clients send.
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('carries the time in its first 48 bits, so later ids sort after earlier ones', () => {
    const at = Date.UTC(2026, 10, 28, 6, 30);
    const id = newEventId(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
    expect(newEventId(at + 1) > newEventId(at)).toBe(true);
    const ids = [at + 5, at + 1_000, at + 86_400_000].map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between ids made in the same millisecond', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => newEventId(at)));
    expect(ids.size).toBe(1000);
  });
});
