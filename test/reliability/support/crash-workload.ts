import { randomUUID } from 'node:crypto';
import { SERVER_KEY } from './server-process.js';

/** A small seeded generator (mulberry32): the workload of a run is named by its seed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
export type Random = ReturnType<typeof random>;

export type Outcome = 'acknowledged' | 'refused' | 'in-doubt';

/** One write the clients sent, with what they learnt of its fate. */
export interface SentWrite {
  path: string;
  body: unknown;
  headers: Record<string, string>;
  eventIds: string[];
  outcome: Outcome;
  status?: number;
  /** For an acknowledged write: where the server said each event was stored. */
  stored?: { eventId: string; position: number; version: number; hash: string }[];
}

const PARTIES = ['USA', 'JPN', 'KOR'];
const PAST = '2001-02-03';

/** Events that are always allowed on an agreement in force, however many times. */
function repeatable(rng: Random, n: number): Record<string, unknown> {
  const kind = rng.int(0, 3);
  const eventId = randomUUID();
  if (kind === 0) {
    return {
      type: 'ConsultationHeld',
      eventId,
      occurredOn: PAST,
      data: { level: 'working', topics: [`t${n}`] },
    };
  }
  if (kind === 1) {
    return {
      type: 'ContributionRecorded',
      eventId,
      occurredOn: PAST,
      data: { party: rng.pick(PARTIES), category: 'funding', amount: rng.int(1, 1000), unit: 'USD' },
    };
  }
  if (kind === 2) {
    return {
      type: 'ExerciseHeld',
      eventId,
      occurredOn: PAST,
      data: { name: `Exercise ${n}`, startedOn: PAST, participants: [rng.pick(PARTIES)] },
    };
  }
  return {
    type: 'MilestoneCommitted',
    eventId,
    occurredOn: PAST,
    data: {
      milestoneId: `m-${eventId}`,
      description: `Milestone ${n}`,
      owner: rng.pick(PARTIES),
      dueOn: '2030-01-01',
    },
  };
}

/** Sends one write and records its fate: a 2xx is acknowledged, a 4xx refused, no answer in doubt. */
export async function send(url: string, write: Omit<SentWrite, 'outcome'>): Promise<SentWrite> {
  try {
    const response = await fetch(`${url}${write.path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SERVER_KEY}`,
        ...write.headers,
      },
      body: JSON.stringify(write.body),
    });
    const text = await response.text();
    if (response.status >= 500) {
      throw new Error(`${write.path} answered ${response.status}: ${text}`);
    }
    if (response.status >= 400) return { ...write, outcome: 'refused', status: response.status };
    const body = JSON.parse(text) as Record<string, unknown> | Record<string, unknown>[];
    // A proposal answers with the agreement; an event write with the stored event(s).
    const stored = (Array.isArray(body) ? body : 'eventId' in body ? [body] : []).map((e) => ({
      eventId: e.eventId as string,
      position: e.position as number,
      version: e.version as number,
      hash: e.hash as string,
    }));
    return { ...write, outcome: 'acknowledged', status: response.status, stored };
  } catch (error) {
    if (error instanceof Error && error.message.includes(' answered ')) throw error;
    // The connection broke (the server was killed): the write may or may not have committed.
    return { ...write, outcome: 'in-doubt' };
  }
}

export const proposal = (id: string) => ({
  path: '/api/agreements',
  body: {
    id,
    title: `Crash test ${id}`,
    parties: PARTIES,
    provisions: ['consultation'],
    occurredOn: '2000-01-01',
    eventId: randomUUID(),
  },
  headers: {},
});

export const bringIntoForce = (id: string) => ({
  path: `/api/agreements/${id}/events`,
  body: [
    ...PARTIES.map((party) => ({
      type: 'AgreementSigned',
      eventId: randomUUID(),
      occurredOn: '2000-06-01',
      data: { party },
    })),
    { type: 'AgreementEnteredIntoForce', eventId: randomUUID(), occurredOn: '2000-07-01', data: {} },
  ],
  headers: {},
});

export const eventIdsOf = (body: unknown): string[] =>
  (Array.isArray(body) ? body : [body]).map((e) => (e as { eventId: string }).eventId);

/**
 * One client: writes until `stopped()` says the server is gone. Mostly batches of 1-4
 * events without If-Match (they must all land), some with If-Match (412 when stale), new
 * proposals, and batches whose last event is refused (nothing of them may be stored).
 */
export async function runClient(
  url: string,
  rng: Random,
  agreements: readonly string[],
  versions: Map<string, number>,
  newId: () => string,
  stopped: () => boolean,
  sent: SentWrite[],
): Promise<void> {
  let n = 0;
  while (!stopped()) {
    n++;
    const roll = rng.next();
    const target = rng.pick(agreements);
    let write: Omit<SentWrite, 'outcome'>;
    if (roll < 0.08) {
      const p = proposal(newId());
      write = { ...p, eventIds: eventIdsOf(p.body) };
    } else {
      const events = Array.from({ length: rng.int(1, 4) }, () => repeatable(rng, n));
      // Already in force: the whole batch must be refused (409), none of it stored.
      if (roll < 0.15) events.push({ type: 'AgreementEnteredIntoForce', eventId: randomUUID(), data: {} });
      const headers: Record<string, string> =
        roll > 0.85 && versions.has(target) ? { 'if-match': `"${versions.get(target)}"` } : {};
      const body = events.length === 1 && rng.next() < 0.5 ? events[0] : events;
      write = { path: `/api/agreements/${target}/events`, body, headers, eventIds: eventIdsOf(body) };
    }
    const result = await send(url, write);
    sent.push(result);
    const last = result.stored?.[result.stored.length - 1];
    if (last && write.path.endsWith('/events'))
      versions.set(target, Math.max(versions.get(target) ?? 0, last.version));
  }
}
