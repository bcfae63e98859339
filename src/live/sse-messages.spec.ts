import { describe, expect, it } from '@jest/globals';
import type { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import { presentEvent } from '../agreements/http/event.presenter.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { HEARTBEAT, sseMessages } from './sse-messages.js';

const stored: StoredEvent = {
  position: 42,
  streamId: 'usa-jpn-1960',
  version: 2,
  eventId: '0b0e8e7e-4d0c-4c57-9d37-3a7c6b3f2f10',
  type: 'AgreementSigned',
  schemaVersion: 1,
  data: { party: 'USA' },
  metadata: { actor: 'tester', source: 'api' },
  occurredOn: '1960-01-19',
  recordedAt: '2025-01-01T00:00:00.000Z',
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('sseMessages', () => {
  it('sends each event with its global position as id and the API presentation as data, with heartbeat comments between', async () => {
    const events = new Subject<StoredEvent>();
    const received: MessageEvent[] = [];
    let completed = false;
    sseMessages(events, 5).subscribe({ next: (m) => received.push(m), complete: () => (completed = true) });

    while (!received.includes(HEARTBEAT)) await new Promise((resolve) => setTimeout(resolve, 5));
    events.next(stored);
    events.complete();

    const messages = received.filter((m) => m !== HEARTBEAT);
    expect(messages).toEqual([expect.objectContaining({ id: '42', data: presentEvent(stored) })]);
    // A comment only: an EventSource ignores it and keeps its last event id.
    expect(HEARTBEAT).toEqual({ comment: 'heartbeat' });
    expect(completed).toBe(true);
  });

  it('stops the heartbeat when the events end', async () => {
    const events = new Subject<StoredEvent>();
    const received: MessageEvent[] = [];
    sseMessages(events, 1).subscribe((m) => received.push(m));
    events.complete();
    const count = received.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveLength(count);
  });
});
