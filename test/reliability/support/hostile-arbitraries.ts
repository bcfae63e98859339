import fc from 'fast-check';
import { EVENT_TYPES } from '../../../src/agreements/domain/agreement.events.js';
import { PROVISIONS } from '../../../src/agreements/domain/agreement.values.js';

/**
 * Generators of clumsy and hostile requests for the write endpoints: valid bodies, then the
 * same bodies mutated (fields dropped, retyped, added, blown up, nested deep), raw bytes that
 * are not UTF-8 or not JSON, odd headers and odd ids.
 */

export const PARTIES = ['USA', 'JPN', 'KOR'];

/** Strings a text field may meet: ordinary, unicode, SQL-looking, control characters, lone surrogates, huge. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "'; DROP TABLE events; --",
      "1' OR '1'='1",
      'Robert"); DELETE FROM agreement_status WHERE ("1"="1',
      '%; UPDATE streams SET version = 0; --',
      '\\x00\\u0000',
      'line\nbreak\tand tab',
      'nul\u0000inside',
      'escape \u001b[31m red',
      'bell\u0007',
      'del\u007f and c1\u0085',
      'lone \ud800 surrogate',
      'reversed \udc00\ud800',
      'right-to-left \u202e override',
      'zero\u200bwidth\ufeffbom',
      'e\u0301 combining, \u00e9 precomposed',
      '𝕿𝖗𝖊𝖆𝖙𝖞 🤝 条約 معاهدة',
      '   ',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(300, 1001, 4001, 70_000).map((n) => 'x'.repeat(n)) },
);

export const date = fc.oneof(
  fc.constantFrom(
    '2001-02-03',
    '2020-02-29',
    '2021-02-29',
    '2023-02-30',
    '2023-04-31',
    '2023-13-01',
    '2023-00-10',
    '0000-01-01',
    '0001-01-01',
    '1799-12-31',
    '1800-01-01',
    '9999-12-31',
    '2020-01-01T00:00:00Z',
    '2020-01-01T00:00:00+02:00',
    '2020-01-01+14:00',
    '2020-1-1',
    '+002020-01-01',
    ' 2020-01-01',
    '２０２０-01-01',
    '',
  ),
  fc
    .date({
      min: new Date('1700-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
);

export const party = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...PARTIES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('GBR', 'COW-BAV', 'usa', 'US', 'ÜSA', 'USA ', 'COW-', 'COW-TOOLONGNAME', ''),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const provisionList = fc.subarray([...PROVISIONS]);
const uuid = fc.uuid({ version: 4 });
export const agreementId = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,20}$/),
  fc.constantFrom('ab', 'A-UPPER', '-leading-dash', 'x'.repeat(65), 'usa-jpn-1960', 'has space', 'ü-umlaut'),
);

/** A well-formed proposal (it may still collide with an existing id: 409). */
export const validProposal = fc.record(
  {
    id: agreementId.filter((id) => /^[a-z0-9][a-z0-9-]{2,63}$/.test(id)),
    title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
    parties: fc.shuffledSubarray(['USA', 'JPN', 'KOR', 'GBR', 'COW-BAV'], { minLength: 2 }),
    provisions: provisionList,
    objectives: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { maxLength: 3 }),
    termMonths: fc.integer({ min: 1, max: 1200 }),
    reviewEveryMonths: fc.integer({ min: 1, max: 1200 }),
    facilitator: fc.constantFrom('NATO', 'ASEAN', 'UN'),
    occurredOn: fc.constantFrom('1960-01-06', '2000-01-01', '2001-02-03'),
    eventId: uuid,
  },
  { requiredKeys: ['title', 'parties', 'provisions'] },
);

/** Events that an agreement in force among USA, JPN and KOR accepts any number of times. */
export const validEvent = fc.oneof(
  fc.record({
    type: fc.constant('ConsultationHeld'),
    occurredOn: fc.constantFrom('2001-02-03', '2010-05-06'),
    data: fc.record({
      level: fc.constantFrom('summit', 'ministerial', 'working'),
      topics: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  }),
  fc.record({
    type: fc.constant('ContributionRecorded'),
    eventId: uuid,
    data: fc.record({
      party: fc.constantFrom(...PARTIES),
      category: fc.constantFrom('funding', 'personnel', 'equipment', 'facilities'),
      amount: fc.double({ min: 0.01, max: 1e12, noNaN: true }),
      unit: fc.constantFrom('USD', 'JPY', 'troops'),
    }),
  }),
  fc.record(
    {
      type: fc.constant('ExerciseHeld'),
      occurredOn: fc.constant('2005-01-01'),
      data: fc.record(
        {
          name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          startedOn: fc.constant('2004-12-01'),
          endedOn: fc.constant('2004-12-20'),
          location: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          participants: fc.shuffledSubarray(PARTIES, { minLength: 1 }),
          notes: fc.string({ minLength: 1, maxLength: 200 }),
        },
        { requiredKeys: ['name', 'startedOn', 'participants'] },
      ),
    },
    { requiredKeys: ['type', 'data'] },
  ),
  fc.record({
    type: fc.constant('ReviewConducted'),
    data: fc.record(
      {
        outcome: fc.constantFrom(
          'reaffirmed',
          'amendment_recommended',
          'concerns_raised',
          'termination_recommended',
        ),
        findings: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
      },
      { requiredKeys: ['outcome'] },
    ),
  }),
);

/** Any event-shaped object: known and unknown types, data of any shape. */
const anyEvent = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom(...EVENT_TYPES),
      fc.constantFrom('agreementsigned', 'Unknown', '__proto__', ''),
      fc.string(),
    ),
    occurredOn: date,
    eventId: fc.oneof(uuid, fc.string()),
    data: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);

/** Stands for JSON nested `depth` levels deep, written out as text by `toJsonText` (no recursion). */
export class Nested {
  constructor(readonly depth: number) {}
}
const deeplyNested = fc
  .oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2000, max: 6000 }))
  .map((depth) => new Nested(depth));

/** An event whose data hides a deep nesting: what recursive validation or hashing could choke on. */
export const deepBody = fc
  .tuple(deeplyNested, fc.boolean())
  .map(([nested, asData]) =>
    asData
      ? { type: 'ConsultationHeld', data: nested }
      : { type: 'ConsultationHeld', data: { level: 'working', topics: [nested] } },
  );

/** JSON text of a generated value, with each `Nested` written out in place. */
export function toJsonText(value: unknown): string {
  const nested: string[] = [];
  const text =
    JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Nested ? `\u0000nested${nested.push(nestedText(v.depth)) - 1}` : v,
    ) ?? 'null';
  return text.replace(/"\\u0000nested(\d+)"/g, (_, i: string) => nested[Number(i)]!);
}

function nestedText(depth: number): string {
  const open = Array.from({ length: depth }, (_, i) => (i % 2 ? '[' : '{"nested":')).join('');
  const close = Array.from({ length: depth }, (_, i) => (i % 2 ? ']' : '}'))
    .reverse()
    .join('');
  return `${open}"bottom"${close}`;
}

/** A JSON value that does not belong where it is put. */
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  text,
  date,
  deeplyNested,
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, '', [], {}, ['USA'], { $gt: '' }),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, () => 'USA')),
);

const strangeKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'version',
    'position',
    'actor',
    'hash',
    'recordedAt',
    'type',
    'data',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

type Json = unknown;

/** One mutation of an object: a field removed, replaced with a wrong value, or an extra one added. */
function mutateObject(base: Record<string, Json>, key: string, value: Json, how: number): Json {
  const keys = Object.keys(base);
  const target = keys.length > 0 ? keys[Math.abs(key.length * 7 + how) % keys.length]! : key;
  const copy: Record<string, Json> = { ...base };
  if (how === 0) delete copy[target];
  else if (how === 1) copy[target] = value;
  // defineProperty: a plain assignment to "__proto__" would set the prototype, not add a key.
  else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** Applies up to three mutations, at the top level or one level down (an event's data). */
export function mutated<T extends Json>(base: fc.Arbitrary<T>): fc.Arbitrary<Json> {
  const mutation = fc.record({
    key: strangeKey,
    value: wrongValue,
    how: fc.integer({ min: 0, max: 2 }),
    deep: fc.boolean(),
  });
  return fc
    .tuple(base, fc.array(mutation, { maxLength: 3 }), fc.integer({ min: 0, max: 9 }))
    .map(([body, mutations, shape]) => {
      let value: Json = body;
      for (const m of mutations) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
        const object = value as Record<string, Json>;
        const inner = object.data;
        if (m.deep && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
          value = { ...object, data: mutateObject(inner as Record<string, Json>, m.key, m.value, m.how) };
        } else {
          value = mutateObject(object, m.key, m.value, m.how);
        }
      }
      // Now and then the whole body becomes something else.
      if (shape === 0) return [value];
      if (shape === 1) return { body: value };
      return value;
    });
}

export const proposalBody = fc.oneof(
  { weight: 3, arbitrary: validProposal },
  { weight: 6, arbitrary: mutated(validProposal) },
  { weight: 1, arbitrary: wrongValue },
);

const eventShaped = fc.oneof(
  { weight: 3, arbitrary: validEvent },
  { weight: 4, arbitrary: mutated(validEvent) },
  { weight: 2, arbitrary: anyEvent },
);

export const eventsBody = fc.oneof(
  { weight: 5, arbitrary: eventShaped },
  { weight: 3, arbitrary: fc.array(eventShaped, { minLength: 0, maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 101, max: 300 }).map((n) =>
      Array.from({ length: n }, () => ({
        type: 'ConsultationHeld',
        data: { level: 'working', topics: ['t'] },
      })),
    ),
  },
  { weight: 1, arbitrary: wrongValue },
);

/** Bytes that are not valid UTF-8: stray continuation bytes, overlong forms, encoded surrogates, cut sequences. */
export const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xc3],
);

export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;',
  'application/problem+json',
  'application/vnd.api+json',
  'application/jsonx',
  'text/json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '*/*',
  '',
  undefined,
);

export const ifMatch = fc.oneof(
  fc.constantFrom(
    '"1"',
    '"5"',
    '"6"',
    'W/"5"',
    '*',
    '"0"',
    '"-1"',
    '"1.5"',
    '""',
    '"99999999999"',
    '"9999999999"',
    '5',
    "'5'",
    '"5", "6"',
    ' "5" ',
    'garbage',
  ),
  fc.string({ maxLength: 20 }),
  fc.nat().map((n) => `"${n}"`),
  fc.constant(undefined),
);

export const idempotencyKey = fc.oneof(
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }),
  fc.constantFrom('', ' ', 'x'.repeat(255), 'x'.repeat(256), 'clé-é', 'key with spaces', 'k1', 'k1'),
  fc.constant(undefined),
);

/** Ids as they appear in a path: raw, percent-encoded, traversal attempts, very long. */
export const pathId = fc.oneof(
  agreementId.map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E%2Fetc%2Fpasswd',
    '..%2F..%2Fhealth',
    'a%2Fb',
    'a%5Cb',
    '%00',
    'abc%00def',
    '%ZZ',
    '%',
    '%E2%82%AC',
    '%F0%9F%98%80',
    '%C0%AF',
    '%ED%A0%80',
    '%252F',
    'hostile-base%3Bdrop',
    'hostile-base;x=1',
    'HOSTILE-BASE',
    'hostile-base%20',
    'ab',
    'a'.repeat(64),
    'a'.repeat(65),
    'a'.repeat(201),
    'a'.repeat(5000),
  ),
);
