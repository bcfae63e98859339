import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventIdConflict,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../src/event-store/event-store.port.js';
import { GENESIS_HASH, verifyChain } from '../../src/event-store/hashing.js';
import { UpcasterChain } from '../../src/event-store/upcasting.js';

/**
 * The event store contract (DESIGN §3, event-store.port.ts): every adapter runs these
 * tests unchanged. The tests never assume an empty database: each uses fresh stream ids
 * and reads the global feed only after the position it started from, so an adapter
 * may hand out a fresh database per test or share one.
 */

export interface EventStoreFixture {
  store: EventStore;
  /**
   * Changes one byte of the stored `data` of the event at `position`, behind the
   * store's back (the contract only calls it on events with a string value in `data`).
   * Optional: an adapter that cannot bypass its own protections leaves it out.
   */
  tamper?(position: number): Promise<void>;
  /** Closes the store and removes what the fixture created. */
  cleanup(): Promise<void>;
}

export type EventStoreFactory = (options: { upcasters?: UpcasterChain }) => Promise<EventStoreFixture>;

const metadata = { actor: 'contract-test' };

function newEvent(
  type = 'TestHappened',
  data: Record<string, unknown> = {},
  extra: Partial<NewEvent> = {},
): NewEvent {
  return { type, data, metadata, occurredOn: '2026-01-15', ...extra };
}

/** A client-supplied event id, as a retrying client would send. */
function withId(type = 'TestHappened', data: Record<string, unknown> = {}): NewEvent {
  return newEvent(type, data, { eventId: randomUUID() });
}

function streamId(label: string): string {
  return `${label}-${randomUUID()}`;
}

/** The last global position stored so far (0 for an empty store). */
async function headPosition(store: EventStore): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    const last = page.at(-1);
    if (!last) return after;
    after = last.position;
  }
}

/** Everything stored after `after`, in position order. */
async function readAllAfter(store: EventStore, after: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    const last = page.at(-1);
    if (!last) return events;
    events.push(...page);
    after = last.position;
  }
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to be rejected');
}

/** 'TestThing' v1 had `name`; v2 renamed it `title` and added `size`. */
const testThingV1toV2 = {
  type: 'TestThing',
  fromVersion: 1,
  upcast: (data: Record<string, unknown>) => {
    const { name, ...rest } = data;
    return { ...rest, title: name, size: 0 };
  },
};

export function eventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`${name}: event store contract`, () => {
    const opened: EventStoreFixture[] = [];

    async function open(options: { upcasters?: UpcasterChain } = {}): Promise<EventStoreFixture> {
      const fixture = await factory(options);
      opened.push(fixture);
      return fixture;
    }

    afterEach(async () => {
      for (const fixture of opened.splice(0)) await fixture.cleanup();
    });

    describe('positions and versions', () => {
      it('assigns global positions gap-free and increasing in commit order across streams', async () => {
        const { store } = await open();
        const a = streamId('a');
        const b = streamId('b');
        const head = await headPosition(store);

        const r1 = await store.append(a, [newEvent()]);
        const r2 = await store.append(b, [newEvent(), newEvent()]);
        // A refused append in between must not leave a hole in the positions.
        await expect(store.append(a, [newEvent()], { expectedVersion: 0 })).rejects.toBeInstanceOf(
          WrongExpectedVersion,
        );
        const r3 = await store.append(a, [newEvent()]);

        const committed = [...r1.events, ...r2.events, ...r3.events];
        expect(committed.map((e) => e.position)).toEqual(range(head + 1, 4));
        const feed = await readAllAfter(store, head);
        expect(feed.map((e) => e.eventId)).toEqual(committed.map((e) => e.eventId));
        expect(feed.map((e) => e.position)).toEqual(range(head + 1, 4));
      });

      it('head() is the position of the last committed event, and a refused append does not move it', async () => {
        const { store } = await open();
        const a = streamId('a');
        expect(await store.head()).toBe(await headPosition(store));
        const { events } = await store.append(a, [newEvent(), newEvent()]);
        expect(await store.head()).toBe(events[1]!.position);
        await expect(store.append(a, [newEvent()], { expectedVersion: 0 })).rejects.toBeInstanceOf(
          WrongExpectedVersion,
        );
        expect(await store.head()).toBe(events[1]!.position);
      });

      it('numbers each stream 1, 2, 3… whatever else is written in between', async () => {
        const { store } = await open();
        const a = streamId('a');
        const b = streamId('b');

        await store.append(a, [newEvent()]);
        await store.append(b, [newEvent()]);
        await store.append(a, [newEvent(), newEvent()]);
        await store.append(b, [newEvent()]);
        const last = await store.append(a, [newEvent()]);

        expect((await store.readStream(a)).map((e) => e.version)).toEqual([1, 2, 3, 4]);
        expect((await store.readStream(b)).map((e) => e.version)).toEqual([1, 2]);
        expect(last.version).toBe(4);
        expect(last.events.map((e) => e.version)).toEqual([4]);
      });

      it('tells each stream its version, 0 for a stream never written', async () => {
        const { store } = await open();
        const a = streamId('a');
        expect(await store.streamVersion(a)).toBe(0);
        await store.append(a, [newEvent(), newEvent()]);
        expect(await store.streamVersion(a)).toBe(2);
        await store.append(a, [newEvent()]);
        expect(await store.streamVersion(a)).toBe(3);
        expect(await store.streamVersion(streamId('other'))).toBe(0);
      });
    });

    describe('expected version', () => {
      it('accepts 0 for a new stream and the current version for an existing one', async () => {
        const { store } = await open();
        const a = streamId('a');
        const first = await store.append(a, [newEvent()], { expectedVersion: 0 });
        expect(first.version).toBe(1);
        const second = await store.append(a, [newEvent(), newEvent()], { expectedVersion: 1 });
        expect(second.version).toBe(3);
        expect(second.events.map((e) => e.version)).toEqual([2, 3]);
      });

      it.each([
        ['0 on an existing stream', 0],
        ['a version behind', 1],
        ['a version ahead', 3],
      ])('refuses %s with WrongExpectedVersion and writes nothing', async (_label, expectedVersion) => {
        const { store } = await open();
        const a = streamId('a');
        await store.append(a, [newEvent(), newEvent()]);
        const head = await headPosition(store);
        const refused = withId();

        const error = await rejectionOf(store.append(a, [refused, withId()], { expectedVersion }));

        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ streamId: a, expected: expectedVersion, actual: 2 });
        expect(await store.streamVersion(a)).toBe(2);
        expect(await readAllAfter(store, head)).toEqual([]);
        expect(await store.findEvent(refused.eventId!)).toBeUndefined();
      });

      it('refuses a non-zero expected version for a stream that does not exist', async () => {
        const { store } = await open();
        const a = streamId('a');
        const error = await rejectionOf(store.append(a, [newEvent()], { expectedVersion: 1 }));
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ streamId: a, expected: 1, actual: 0 });
        expect(await store.streamVersion(a)).toBe(0);
        expect(await store.readStream(a)).toEqual([]);
      });

      it('appends at any version when no expected version is given', async () => {
        const { store } = await open();
        const a = streamId('a');
        await store.append(a, [newEvent()]);
        await store.append(a, [newEvent()], {});
        const third = await store.append(a, [newEvent()], { expectedVersion: undefined });
        expect(third.version).toBe(3);
      });
    });

    describe('atomic appends and event ids', () => {
      it('writes a multi-event append whole, in order', async () => {
        const { store } = await open();
        const a = streamId('a');
        const batch = [newEvent('One'), newEvent('Two'), newEvent('Three')];
        const result = await store.append(a, batch, { expectedVersion: 0 });
        expect(result.duplicate).toBe(false);
        expect(result.version).toBe(3);
        const stored = await store.readStream(a);
        expect(stored.map((e) => [e.version, e.type])).toEqual([
          [1, 'One'],
          [2, 'Two'],
          [3, 'Three'],
        ]);
        expect(stored).toEqual(result.events);
      });

      it.each([
        ['without an id', () => newEvent()],
        ['with a fresh client id', () => withId()],
      ])(
        'writes nothing of a batch whose second event reuses another stream’s event id (first event %s)',
        async (_label, makeFirst) => {
          const { store } = await open();
          const a = streamId('a');
          const b = streamId('b');
          const taken = withId('Taken');
          await store.append(a, [taken]);
          const head = await headPosition(store);
          const first = makeFirst();

          const error = await rejectionOf(
            store.append(b, [first, { ...newEvent(), eventId: taken.eventId! }]),
          );

          expect(error).toBeInstanceOf(EventIdConflict);
          expect(error).toMatchObject({ eventId: taken.eventId });
          expect(await store.streamVersion(b)).toBe(0);
          expect(await store.readStream(b)).toEqual([]);
          expect(await readAllAfter(store, head)).toEqual([]);
          if (first.eventId) expect(await store.findEvent(first.eventId)).toBeUndefined();
          expect(await store.findEvent(taken.eventId!)).toMatchObject({
            streamId: a,
            version: 1,
            type: 'Taken',
          });
        },
      );

      it('answers a retried append with the original events, duplicate=true, and writes nothing', async () => {
        const { store } = await open();
        const a = streamId('a');
        const head = await headPosition(store);
        const batch = [withId('One', { n: 1 }), withId('Two', { n: 2 })];
        const options: AppendOptions = { expectedVersion: 0 };

        const original = await store.append(a, batch, options);
        // The client lost the answer and sends exactly the same request again.
        const retried = await store.append(a, batch, options);
        const retriedWithoutVersion = await store.append(a, batch);

        expect(original.duplicate).toBe(false);
        for (const retry of [retried, retriedWithoutVersion]) {
          expect(retry.duplicate).toBe(true);
          expect(retry.version).toBe(original.version);
          expect(retry.events).toEqual(original.events);
        }
        expect(await store.streamVersion(a)).toBe(2);
        const feed = await readAllAfter(store, head);
        expect(feed.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
      });

      it('refuses an event id reused in another stream or with another type (EventIdConflict)', async () => {
        const { store } = await open();
        const a = streamId('a');
        const b = streamId('b');
        const original = withId('Original', { n: 1 });
        await store.append(a, [original]);
        const head = await headPosition(store);

        const inAnotherStream = await rejectionOf(store.append(b, [{ ...original }]));
        const withAnotherType = await rejectionOf(store.append(a, [{ ...original, type: 'Other' }]));

        for (const error of [inAnotherStream, withAnotherType]) {
          expect(error).toBeInstanceOf(EventIdConflict);
          expect(error).toMatchObject({ eventId: original.eventId });
        }
        expect(await store.streamVersion(a)).toBe(1);
        expect(await store.streamVersion(b)).toBe(0);
        expect(await readAllAfter(store, head)).toEqual([]);
      });
    });

    describe('what an event carries', () => {
      it('round-trips occurredOn, metadata and schemaVersion, and sets recordedAt itself', async () => {
        const { store } = await open();
        const a = streamId('a');
        const fullMetadata = {
          actor: 'treaty-office',
          keyId: 'key-7',
          correlationId: randomUUID(),
          causationId: randomUUID(),
          requestId: 'req-42',
          source: 'import',
          custom: { nested: [1, 'two', null, true, { deep: 2.5 }] },
        };
        const data = { text: 'a', count: 3, ratio: 0.25, flag: false, none: null, list: [{ x: 1 }, [2, 3]] };
        const before = Date.now();
        const result = await store.append(a, [
          newEvent('Old', data, { occurredOn: '1815-06-09', metadata: fullMetadata }),
          newEvent('Versioned', { v: 3 }, { schemaVersion: 3 }),
        ]);
        const after = Date.now();

        const [old, versioned] = await store.readStream(a);
        expect(old).toMatchObject({
          occurredOn: '1815-06-09',
          metadata: fullMetadata,
          data,
          schemaVersion: 1,
        });
        expect(versioned).toMatchObject({ occurredOn: '2026-01-15', metadata, schemaVersion: 3 });
        for (const stored of [old!, versioned!]) {
          expect(stored.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
          const recorded = Date.parse(stored.recordedAt);
          // Whole-second precision is allowed, hence the floor.
          expect(recorded).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
          expect(recorded).toBeLessThanOrEqual(after);
        }
        expect(result.events).toEqual([old, versioned]);
        expect(await store.findEvent(old!.eventId)).toEqual(old);
        expect(await readAllAfter(store, old!.position - 1)).toEqual([old, versioned]);
      });

      it('round-trips Unicode text byte for byte (emoji, CJK, RTL, combining marks, newlines)', async () => {
        const { store } = await open();
        const a = streamId('a');
        const texts = {
          emoji: '🇯🇵🤝🇺🇸 👩🏽‍⚖️ 🛡️',
          cjk: '日米安全保障条約 · 한미상호방위조약 · 中苏友好同盟互助条约',
          rtl: '\u200fمعاهدة الدفاع المشترك — ברית הגנה הדדית',
          composed: 'Caf\u00e9',
          decomposed: 'Cafe\u0301',
          lines: 'line one\nline two\r\nline three\ttabbed\n',
          quotes: '"quoted" \\ back\\slash \u2028 \u2029',
        };
        const data = { ...texts, '条約-キー': texts.cjk, nested: { list: [texts.emoji, texts.rtl] } };
        const eventMetadata = { actor: 'Ünïcødé ✓ 担当者', source: texts.rtl };
        await store.append(a, [newEvent('Unicode', data, { metadata: eventMetadata })]);

        const [stored] = await store.readStream(a);
        expect(stored!.data).toEqual(data);
        expect(stored!.metadata).toEqual(eventMetadata);
        for (const [key, text] of Object.entries(texts)) {
          expect([key, Buffer.from(stored!.data[key] as string, 'utf8')]).toEqual([
            key,
            Buffer.from(text, 'utf8'),
          ]);
        }
        // Composed and decomposed forms look alike but must stay distinct.
        expect(stored!.data.composed).not.toBe(stored!.data.decomposed);
        expect(verifyChain(await store.readStream(a, { raw: true })).valid).toBe(true);
      });
    });

    describe('reading', () => {
      it('reads a stream between fromVersion and toVersion, at most limit events', async () => {
        const { store } = await open();
        const a = streamId('a');
        await store.append(a, [newEvent(), newEvent(), newEvent()]);
        await store.append(streamId('other'), [newEvent()]);
        await store.append(a, [newEvent(), newEvent()]);
        const versions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(a, options)).map((e) => e.version);

        expect(await versions({})).toEqual([1, 2, 3, 4, 5]);
        expect(await versions({ fromVersion: 2 })).toEqual([2, 3, 4, 5]);
        expect(await versions({ toVersion: 3 })).toEqual([1, 2, 3]);
        expect(await versions({ fromVersion: 2, toVersion: 4 })).toEqual([2, 3, 4]);
        expect(await versions({ fromVersion: 2, limit: 2 })).toEqual([2, 3]);
        expect(await versions({ fromVersion: 2, toVersion: 4, limit: 10 })).toEqual([2, 3, 4]);
        expect(await versions({ fromVersion: 6 })).toEqual([]);
        expect(await store.readStream(streamId('never'))).toEqual([]);
      });

      it('reads the global feed strictly after a position, at most limit events, in position order', async () => {
        const { store } = await open();
        const head = await headPosition(store);
        const a = streamId('a');
        const b = streamId('b');
        await store.append(a, [newEvent('A1'), newEvent('A2')]);
        await store.append(b, [newEvent('B1')]);
        await store.append(a, [newEvent('A3')]);
        await store.append(b, [newEvent('B2')]);

        const all = await store.readAll({ after: head });
        expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3', 'B2']);
        expect(all.map((e) => e.position)).toEqual(range(head + 1, 5));
        const page = await store.readAll({ after: head + 2, limit: 2 });
        expect(page.map((e) => e.position)).toEqual([head + 3, head + 4]);
        expect(page.map((e) => e.type)).toEqual(['B1', 'A3']);
        expect(await store.readAll({ after: head + 5 })).toEqual([]);
      });

      it('finds an event by its id, and nothing for an unknown id', async () => {
        const { store } = await open();
        const a = streamId('a');
        const { events } = await store.append(a, [newEvent('One'), withId('Two', { n: 2 })]);
        const [, second] = await store.readStream(a);
        expect(await store.findEvent(events[1]!.eventId)).toEqual(second);
        expect(await store.findEvent(events[0]!.eventId)).toMatchObject({
          streamId: a,
          version: 1,
          type: 'One',
        });
        expect(await store.findEvent(randomUUID())).toBeUndefined();
      });
    });

    describe('hash chain', () => {
      it('links each event of a stream to the previous one, from GENESIS_HASH', async () => {
        const { store } = await open();
        const a = streamId('a');
        const first = await store.append(a, [newEvent('One', { s: 'one' }), newEvent('Two', { s: 'two' })]);
        await store.append(streamId('other'), [newEvent()]);
        const last = await store.append(a, [newEvent('Three', { s: 'three' })]);

        const raw = await store.readStream(a, { raw: true });
        expect(raw).toHaveLength(3);
        expect(raw[0]!.prevHash).toBe(GENESIS_HASH);
        expect(raw[1]!.prevHash).toBe(raw[0]!.hash);
        expect(raw[2]!.prevHash).toBe(raw[1]!.hash);
        for (const e of raw) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(new Set(raw.map((e) => e.hash)).size).toBe(3);
        expect([...first.events, ...last.events].map((e) => e.hash)).toEqual(raw.map((e) => e.hash));
        expect(verifyChain(raw)).toEqual({ valid: true, checked: 3, firstInvalidPosition: null });
      });

      it('reports a tampered event at its position (adapters that can tamper)', async () => {
        const fixture = await open();
        // Only adapters able to bypass their own append-only protections can run this one.
        if (!fixture.tamper) return;
        const { store } = fixture;
        const a = streamId('a');
        const b = streamId('b');
        await store.append(a, [newEvent('One', { s: 'one' }), newEvent('Two', { s: 'two' })]);
        await store.append(b, [newEvent('Other', { s: 'other' })]);
        await store.append(a, [newEvent('Three', { s: 'three' })]);
        const [, second] = await store.readStream(a, { raw: true });

        await fixture.tamper(second!.position);

        const raw = await store.readStream(a, { raw: true });
        expect(raw[1]!.data).not.toEqual(second!.data);
        expect(verifyChain(raw)).toEqual({
          valid: false,
          checked: 2,
          firstInvalidPosition: second!.position,
        });
        expect(verifyChain(await store.readStream(b, { raw: true })).valid).toBe(true);
      });
    });

    describe('appended$', () => {
      it('emits each committed event once, in position order, after its commit, and never a refused one', async () => {
        const { store } = await open();
        const head = await headPosition(store);
        const emitted: StoredEvent[] = [];
        const seenByReaders: Promise<StoredEvent | undefined>[] = [];
        const sentinel = withId('Sentinel');
        let sawSentinel!: () => void;
        const sentinelSeen = new Promise<void>((resolve) => (sawSentinel = resolve));
        const subscription = store.appended$.subscribe((e) => {
          if (e.eventId === sentinel.eventId) return sawSentinel();
          emitted.push(e);
          // A consumer reacting to the notification must find the event committed.
          seenByReaders.push(store.findEvent(e.eventId));
        });
        try {
          const a = streamId('a');
          const b = streamId('b');
          const retried = [withId('A1'), withId('A2')];
          await store.append(a, retried, { expectedVersion: 0 });
          await store.append(b, [newEvent('B1')]);
          await expect(store.append(a, [withId('Stale')], { expectedVersion: 0 })).rejects.toBeInstanceOf(
            WrongExpectedVersion,
          );
          expect((await store.append(a, retried, { expectedVersion: 0 })).duplicate).toBe(true);
          await expect(
            store.append(b, [{ ...newEvent(), eventId: retried[0]!.eventId! }]),
          ).rejects.toBeInstanceOf(EventIdConflict);
          // Appends issued together, one of them refused.
          await Promise.allSettled([
            store.append(a, [newEvent('A3')]),
            store.append(b, [newEvent('Stale')], { expectedVersion: 0 }),
            store.append(b, [newEvent('B2'), newEvent('B3')]),
          ]);
          // Emissions come in position order, so once the sentinel (written last) is seen,
          // everything before it has been emitted too: any extra emission would show.
          await store.append(streamId('sentinel'), [sentinel]);
          await sentinelSeen;
        } finally {
          subscription.unsubscribe();
        }

        const committed = (await readAllAfter(store, head)).filter((e) => e.eventId !== sentinel.eventId);
        expect(committed).toHaveLength(6);
        expect(emitted.map((e) => e.position)).toEqual(committed.map((e) => e.position));
        expect(emitted).toEqual(committed);
        expect(emitted.map((e) => e.type)).not.toContain('Stale');
        expect(await Promise.all(seenByReaders)).toEqual(committed);
      });
    });

    describe('concurrent appends', () => {
      it('keeps 200 parallel appends to 20 streams durable and contiguous, refusing only stale ones', async () => {
        const { store } = await open();
        const streams = range(0, 20).map((i) => streamId(`s${i}`));
        await Promise.all(streams.map((s) => store.append(s, [newEvent('Created')], { expectedVersion: 0 })));
        const head = await headPosition(store);

        // Per stream, in issue order: any version (always accepted), 0 (stale for sure),
        // or 1 (the version at start: only the first write to the stream can win with it).
        const plan: (number | undefined)[] = [
          1,
          undefined,
          0,
          undefined,
          1,
          undefined,
          undefined,
          0,
          undefined,
          1,
        ];
        const requests = plan.flatMap((expectedVersion, round) =>
          streams.map((stream, i) => ({
            stream,
            expectedVersion,
            events: range(0, 1 + ((round + i) % 3)).map(() => withId('Concurrent', { round, i })),
          })),
        );
        expect(requests).toHaveLength(200);

        const outcomes = await Promise.allSettled(
          requests.map((r) =>
            store.append(
              r.stream,
              r.events,
              r.expectedVersion === undefined ? {} : { expectedVersion: r.expectedVersion },
            ),
          ),
        );

        const accepted: { request: (typeof requests)[number]; result: AppendResult }[] = [];
        const refused: (typeof requests)[number][] = [];
        outcomes.forEach((outcome, i) => {
          const request = requests[i]!;
          if (outcome.status === 'fulfilled') accepted.push({ request, result: outcome.value });
          else {
            expect(outcome.reason).toBeInstanceOf(WrongExpectedVersion);
            refused.push(request);
          }
        });
        // A refused append never takes its neighbours down with it.
        expect(accepted.filter((a) => a.request.expectedVersion === undefined)).toHaveLength(100);
        expect(refused.filter((r) => r.expectedVersion === 0)).toHaveLength(40);
        for (const stream of streams) {
          const winners = accepted.filter(
            (a) => a.request.stream === stream && a.request.expectedVersion === 1,
          );
          expect(winners.length).toBeLessThanOrEqual(1);
          for (const w of winners) expect(w.result.events[0]!.version).toBe(2);
        }

        // Accepted: durable, numbered without gaps, globally contiguous. Refused: no trace.
        const feed = await readAllAfter(store, head);
        const acceptedEvents = accepted.flatMap((a) => a.result.events);
        expect(feed.map((e) => e.position)).toEqual(range(head + 1, acceptedEvents.length));
        expect(new Set(feed.map((e) => e.eventId))).toEqual(new Set(acceptedEvents.map((e) => e.eventId)));
        const byId = new Map(feed.map((e) => [e.eventId, e]));
        for (const e of acceptedEvents) expect(byId.get(e.eventId)).toEqual(e);
        for (const { result } of accepted) {
          const versions = result.events.map((e) => e.version);
          expect(versions).toEqual(range(versions[0]!, versions.length));
        }
        for (const r of refused) {
          for (const e of r.events) expect(byId.has(e.eventId!)).toBe(false);
        }
        expect(await store.findEvent(refused[0]!.events[0]!.eventId!)).toBeUndefined();
        for (const stream of streams) {
          const events = await store.readStream(stream, { raw: true });
          const written = accepted
            .filter((a) => a.request.stream === stream)
            .reduce((n, a) => n + a.request.events.length, 1);
          expect(events.map((e) => e.version)).toEqual(range(1, written));
          expect(await store.streamVersion(stream)).toBe(written);
          expect(verifyChain(events).valid).toBe(true);
        }
      });
    });

    describe('upcasting', () => {
      const upcasters = new UpcasterChain([testThingV1toV2]);

      it('reads a v1 event upgraded to v2, while raw reads return it as stored and its hash verifies', async () => {
        const { store } = await open({ upcasters });
        const a = streamId('a');
        const appended = await store.append(a, [
          newEvent('TestThing', { name: 'radar', colour: 'grey' }, { schemaVersion: 1 }),
          newEvent('TestThing', { title: 'sonar', size: 4 }, { schemaVersion: 2 }),
          newEvent('OtherThing', { name: 'untouched' }, { schemaVersion: 1 }),
        ]);
        const [v1, v2, other] = await store.readStream(a);

        expect(v1).toMatchObject({ schemaVersion: 2, data: { title: 'radar', size: 0, colour: 'grey' } });
        expect(v1!.data).not.toHaveProperty('name');
        expect(v2).toMatchObject({ schemaVersion: 2, data: { title: 'sonar', size: 4 } });
        expect(other).toMatchObject({ schemaVersion: 1, data: { name: 'untouched' } });
        expect(await store.findEvent(v1!.eventId)).toEqual(v1);
        expect((await store.readAll({ after: v1!.position - 1, limit: 1 }))[0]).toEqual(v1);

        const raw = await store.readStream(a, { raw: true });
        expect(raw[0]).toMatchObject({ schemaVersion: 1, data: { name: 'radar', colour: 'grey' } });
        expect(raw[0]!.hash).toBe(appended.events[0]!.hash);
        expect((await store.readAll({ after: v1!.position - 1, limit: 1, raw: true }))[0]).toEqual(raw[0]);
        expect(verifyChain(raw)).toEqual({ valid: true, checked: 3, firstInvalidPosition: null });
        // The hash covers the stored form, not the upgraded one.
        expect(verifyChain([v1!]).valid).toBe(false);
      });

      it('leaves v1 events as stored in a store without upcasters', async () => {
        const { store } = await open();
        const a = streamId('a');
        await store.append(a, [newEvent('TestThing', { name: 'radar' }, { schemaVersion: 1 })]);
        expect((await store.readStream(a))[0]).toMatchObject({ schemaVersion: 1, data: { name: 'radar' } });
      });
    });
  });
}
