import { Controller, Get, Headers, Inject, Query, Req, Sse, type MessageEvent } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/door.js';
import { ApiOperation } from '@nestjs/swagger';
import { from, switchMap, type Observable } from 'rxjs';
import { z } from 'zod';
import { presentEvent } from '../agreements/http/event.presenter.js';
import { toPage } from '../agreements/read/page.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { DEFAULT_LIMIT, decodeCursor, pageBody } from '../http/pagination.js';
import { parseOrThrow } from '../http/zod-validation.js';
import { KeyInQuery } from '../auth/route-access.js';
import { LiveConnections } from './live-connections.js';
import { liveFeed } from './live-feed.js';
import { feedQuery, liveQuery, positionParam } from './live.requests.js';
import { positionMessage, sseMessages } from './sse-messages.js';

/** Often enough for proxies that close idle connections after 30 s or more. */
export const HEARTBEAT_MS = 15_000;

@Controller('api/events')
export class EventsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly connections: LiveConnections,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The global feed: every stored event in position order, after a position (after, limit, cursor)',
  })
  async feed(@Query() query: unknown) {
    const { after, limit = DEFAULT_LIMIT, cursor } = parseOrThrow(feedQuery, query);
    const from = decodeCursor(cursor, z.number().int().min(0)) ?? after ?? 0;
    const rows = await this.store.readAll({ after: from, limit: limit + 1, raw: true });
    const page = toPage(rows, limit, (e) => e.position);
    return pageBody({ items: page.items.map(presentEvent), next: page.next });
  }

  @Sse('live')
  @KeyInQuery()
  @ApiOperation({
    summary: 'Server-sent events: id = global position, data = the stored event',
    description:
      'Resumes after the Last-Event-ID header (or ?lastEventId=) without gaps or duplicates; without either, ' +
      'first sends a `position` event whose id is the last stored position (EventSource resumes from it), then ' +
      'the events committed after it. ?agreement=<id> keeps one agreement. A ": heartbeat" comment ' +
      `every ${HEARTBEAT_MS / 1000} s. EventSource cannot send headers: pass the API key as ?access_token=.`,
  })
  live(
    @Req() request: FastifyRequest,
    @Query() query: unknown,
    @Headers('last-event-id') lastEventIdHeader?: string,
  ): Observable<MessageEvent> {
    const { agreement, lastEventId } = parseOrThrow(liveQuery, query);
    // On a reconnect the browser sends the header and repeats the original URL: the header is newer.
    const fromHeader = lastEventIdHeader
      ? parseOrThrow(positionParam, lastEventIdHeader, 'Last-Event-ID')
      : undefined;
    const feed = (after: number) =>
      liveFeed(this.store, { after, ...(agreement !== undefined ? { agreementId: agreement } : {}) });
    const after = fromHeader ?? lastEventId;
    // The door has checked the key; the feed stays open only while it is live (and within its cap).
    const ticket = this.connections.admit(principalOf(request)!.keyId);
    const messages =
      after !== undefined
        ? sseMessages(ticket.gate(feed(after)), HEARTBEAT_MS)
        : // No position yet: from the store's head, which the client is told first.
          from(this.store.head()).pipe(
            switchMap((head) => sseMessages(ticket.gate(feed(head)), HEARTBEAT_MS, positionMessage(head))),
          );
    return ticket.hold(messages);
  }
}
