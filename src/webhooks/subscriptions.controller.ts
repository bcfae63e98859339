import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { AdminOnly } from '../auth/route-access.js';
import { principalOf } from '../auth/door.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { badRequest, problem, ProblemError, validationProblem } from '../http/problem.js';
import { parseOrThrow } from '../http/zod-validation.js';
import { DEFAULT_LIMIT } from '../http/pagination.js';
import { OutboundPolicy } from './outbound-url.js';
import { deliveriesQuery, subscriptionId, subscriptionRequest } from './subscription.requests.js';
import { SUBSCRIPTION_STORE, type Subscription, type SubscriptionStore } from './subscription.store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { newWebhookSecret } from './webhook-request.js';

/** Webhook subscriptions: admin keys only, reads too (a subscription sees every event it asks for). */
@Controller('api/subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(SUBSCRIPTION_STORE) private readonly subscriptions: SubscriptionStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly policy: OutboundPolicy,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  @AdminOnly()
  @Post()
  async create(@Req() request: FastifyRequest, @Body() body: unknown) {
    const input = parseOrThrow(subscriptionRequest, body);
    const refused = await this.policy.check(input.url);
    if (refused) throw validationProblem([refused]);
    const head = await this.store.head();
    if (input.after !== undefined && input.after > head) {
      throw badRequest('after', 'too_big', `must not be beyond the last position, ${head}`);
    }
    const subscription = {
      id: `sub_${randomBytes(16).toString('hex')}`,
      url: input.url,
      secret: newWebhookSecret(),
      filter: {
        ...(input.events ? { events: input.events } : {}),
        ...(input.agreements ? { agreements: input.agreements } : {}),
        ...(input.parties ? { parties: input.parties } : {}),
      },
      position: input.after ?? head,
      createdAt: new Date().toISOString(),
      createdBy: principalOf(request)?.name ?? 'admin',
    };
    await this.subscriptions.create(subscription);
    void this.dispatcher.claim();
    const { secret, ...shown } = subscription;
    // The secret is shown this once: receivers verify signatures with it; it cannot be read again.
    return { ...present({ ...shown, status: 'active' }), secret };
  }

  @AdminOnly()
  @Get()
  async list() {
    return { items: (await this.subscriptions.list()).map(present) };
  }

  @AdminOnly()
  @Get(':subscriptionId')
  async get(@Param('subscriptionId') rawId: string) {
    return present(await this.existing(rawId));
  }

  @AdminOnly()
  @Delete(':subscriptionId')
  @HttpCode(204)
  async remove(@Param('subscriptionId') rawId: string): Promise<void> {
    const id = parseOrThrow(subscriptionId, rawId, 'subscriptionId');
    if (!(await this.subscriptions.remove(id))) throw subscriptionNotFound(id);
  }

  @AdminOnly()
  @Post(':subscriptionId/resume')
  @HttpCode(200)
  async resume(@Param('subscriptionId') rawId: string) {
    const id = parseOrThrow(subscriptionId, rawId, 'subscriptionId');
    const resumed = await this.subscriptions.resume(id);
    if (!resumed) throw subscriptionNotFound(id);
    void this.dispatcher.claim();
    return present(resumed);
  }

  @AdminOnly()
  @Get(':subscriptionId/deliveries')
  async deliveries(@Param('subscriptionId') rawId: string, @Query() query: unknown) {
    const { id } = await this.existing(rawId);
    const { limit = DEFAULT_LIMIT, before } = parseOrThrow(deliveriesQuery, query);
    const items = await this.subscriptions.deliveries(id, limit + 1, before);
    const page = items.slice(0, limit);
    return { items: page, ...(items.length > limit ? { nextBefore: page[page.length - 1]!.id } : {}) };
  }

  private async existing(rawId: string): Promise<Subscription> {
    const id = parseOrThrow(subscriptionId, rawId, 'subscriptionId');
    const found = await this.subscriptions.get(id);
    if (!found) throw subscriptionNotFound(id);
    return found;
  }
}

const subscriptionNotFound = (id: string) =>
  new ProblemError(problem(404, 'SubscriptionNotFound', `Subscription ${id} does not exist`));

/** A subscription as the API shows it: its filter spelled out, never its secret. */
function present(s: Subscription) {
  return {
    id: s.id,
    url: s.url,
    events: s.filter.events ?? null,
    agreements: s.filter.agreements ?? null,
    parties: s.filter.parties ?? null,
    status: s.status,
    position: s.position,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
    lastError: s.lastError ?? null,
    lastErrorAt: s.lastErrorAt ?? null,
  };
}
