import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Subscription as RxSubscription } from 'rxjs';
import { presentEvent } from '../agreements/http/event.presenter.js';
import { STATUS_READER, type StatusReader } from '../agreements/read/status/status.reader.js';
import { APP_CONFIG, type AppConfig } from '../config/app.config.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../event-store/event-store.port.js';
import { OutboundPolicy } from './outbound-url.js';
import {
  SUBSCRIPTION_STORE,
  type ClaimedSubscription,
  type DeliveryRecord,
  type SubscriptionStore,
} from './subscription.store.js';
import { postWebhook, signedHeaders, type Attempt } from './webhook-request.js';

/** Events read from the store per page while a subscription catches up. */
const PAGE = 200;
/** How often leases are renewed and free subscriptions claimed. */
const HEARTBEAT_MS = 1_000;
/** No retry waits longer than this. */
const MAX_BACKOFF_MS = 600_000;

type Outcome = 'delivered' | 'stop';

/**
 * Delivers each subscription's events, at least once and in position order, from its durable
 * checkpoint. Each instance claims subscriptions for a lease (renewed every second): on PostgreSQL
 * only the holder delivers a subscription, and another instance takes it over once a lease runs
 * out (a crashed holder) or is released (a clean shutdown). Every attempt first renews the lease,
 * and the checkpoint moves only under it: after a handover the old holder sends nothing more.
 *
 * For each event: POST, signed per Standard Webhooks with the event's position as `webhook-id`;
 * a 2xx moves the checkpoint past it (and logs the delivery). Otherwise retries with exponential
 * backoff and jitter; after WEBHOOK_MAX_ATTEMPTS the subscription is paused with its last error,
 * its checkpoint still before the event: resuming it starts there, nothing skipped.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID()}`;
  /** The subscriptions this instance held at its last claim. */
  private held = new Map<string, ClaimedSubscription>();
  /** Running deliverers, by subscription id; `more` says events may have come since its last read. */
  private readonly workers = new Map<string, { more: boolean; done: Promise<void> }>();
  /**
   * How far this instance moved each checkpoint: a claim read before its last move still shows the
   * older position, and a deliverer started from it would send an event again.
   */
  private readonly progress = new Map<string, number>();
  private readonly sleepers = new Set<() => void>();
  private heartbeat?: NodeJS.Timeout;
  private live?: RxSubscription;
  private claiming?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(SUBSCRIPTION_STORE) private readonly subscriptions: SubscriptionStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(STATUS_READER) private readonly statuses: StatusReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: OutboundPolicy,
  ) {}

  onApplicationBootstrap(): void {
    // New events wake the deliverers of the subscriptions held; claiming waits for the heartbeat
    // (on SQLite a claim is a write, which must not follow every commit).
    this.live = this.store.appended$.subscribe(() => this.wake());
    this.heartbeat = setInterval(() => void this.claim(), HEARTBEAT_MS);
    this.heartbeat.unref();
    void this.claim();
  }

  /** Before the database closes: the deliveries in flight finish (or give up) and the leases go. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.live?.unsubscribe();
    this.sleepers.forEach((wakeUp) => wakeUp());
    await this.claiming;
    await Promise.all([...this.workers.values()].map((w) => w.done));
    // Another instance may take them over at once rather than after the lease.
    await this.subscriptions.release(this.owner).catch(() => undefined);
  }

  /** Claims (and renews) the leases, then starts deliverers: called each second, and for a new or resumed subscription. */
  claim(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.claiming ??= this.subscriptions
      .claim(this.owner, this.config.webhooks.leaseMs)
      .then((claimed) => {
        this.held = new Map(claimed.map((s) => [s.id, s]));
        this.wake();
      })
      .catch((error: unknown) => this.logger.warn(`Claiming subscriptions failed: ${String(error)}`))
      .finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private wake(): void {
    if (this.stopped) return;
    for (const subscription of this.held.values()) {
      const worker = this.workers.get(subscription.id);
      if (worker) {
        worker.more = true;
        continue;
      }
      const state = { more: false, done: Promise.resolve() };
      this.workers.set(subscription.id, state);
      state.done = this.deliverAll(subscription, state)
        .catch((error: unknown) =>
          this.logger.warn(`Delivering subscription ${subscription.id} stopped: ${String(error)}`),
        )
        .finally(() => this.workers.delete(subscription.id));
    }
  }

  /** Catches one subscription up with the store, then returns (the next event wakes it again). */
  private async deliverAll(subscription: ClaimedSubscription, state: { more: boolean }): Promise<void> {
    let position = Math.max(subscription.position, this.progress.get(subscription.id) ?? 0);
    const moved = (to: number) => {
      position = to;
      this.progress.set(subscription.id, to);
    };
    while (!this.stopped) {
      state.more = false;
      const page = await this.store.readAll({ after: position, limit: PAGE });
      const partiesOf = new Map<string, Promise<string[]>>();
      let skipped: number | undefined;
      for (const event of page) {
        if (this.stopped) return;
        if (!(await this.wanted(subscription, event, partiesOf))) {
          skipped = event.position;
          continue;
        }
        if ((await this.deliver(subscription, event)) === 'stop') return;
        moved(event.position);
        skipped = undefined;
      }
      if (skipped !== undefined) {
        if (!(await this.subscriptions.advance(subscription.id, this.owner, skipped))) return;
        moved(skipped);
      }
      if (page.length < PAGE && !state.more) return;
    }
  }

  private async wanted(
    { filter }: ClaimedSubscription,
    event: StoredEvent,
    partiesOf: Map<string, Promise<string[]>>,
  ): Promise<boolean> {
    if (filter.events && !filter.events.includes(event.type)) return false;
    if (filter.agreements && !filter.agreements.includes(event.streamId)) return false;
    if (!filter.parties) return true;
    let parties = partiesOf.get(event.streamId);
    if (!parties) {
      parties = this.statuses.get(event.streamId).then((view) => view?.parties ?? []);
      partiesOf.set(event.streamId, parties);
    }
    const current = await parties;
    return filter.parties.some((party) => current.includes(party));
  }

  private async deliver(subscription: ClaimedSubscription, event: StoredEvent): Promise<Outcome> {
    const { timeoutMs, maxAttempts, leaseMs } = this.config.webhooks;
    const id = String(event.position);
    const body = JSON.stringify({ type: event.type, timestamp: event.recordedAt, data: presentEvent(event) });
    for (let attempt = 1; ; attempt++) {
      // Only the holder of the lease sends: a subscription taken over, paused or deleted stops here.
      if (this.stopped || !(await this.subscriptions.renew(subscription.id, this.owner, leaseMs))) {
        return 'stop';
      }
      const headers = signedHeaders(subscription.secret, id, Math.floor(Date.now() / 1000), body);
      const result = await postWebhook(subscription.url, headers, body, {
        timeoutMs,
        policy: this.policy,
        userAgent: 'TreatyLedger-Webhooks/1',
      });
      const record = deliveryRecord(event, attempt, result);
      if (result.ok) {
        const moved = await this.subscriptions.advance(subscription.id, this.owner, event.position, record);
        return moved ? 'delivered' : 'stop';
      }
      if (attempt >= maxAttempts) {
        await this.subscriptions.pause(subscription.id, this.owner, record);
        this.logger.warn(
          `Subscription ${subscription.id} paused after ${attempt} attempts at position ${event.position}: ${result.error}`,
        );
        return 'stop';
      }
      await this.subscriptions.noteError(
        subscription.id,
        this.owner,
        `attempt ${attempt} at position ${event.position}: ${result.error}`,
        record.finishedAt,
      );
      await this.sleep(this.backoff(attempt));
    }
  }

  /** Exponential, with "equal jitter": half the doubled delay fixed, half random. */
  private backoff(attempt: number): number {
    const full = Math.min(MAX_BACKOFF_MS, this.config.webhooks.backoffMs * 2 ** (attempt - 1));
    return full / 2 + Math.random() * (full / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wakeUp = () => {
        clearTimeout(timer);
        this.sleepers.delete(wakeUp);
        resolve();
      };
      const timer = setTimeout(wakeUp, ms);
      this.sleepers.add(wakeUp);
    });
  }
}

function deliveryRecord(event: StoredEvent, attempts: number, result: Attempt): DeliveryRecord {
  return {
    position: event.position,
    eventId: event.eventId,
    eventType: event.type,
    status: result.ok ? 'delivered' : 'failed',
    attempts,
    ...(result.responseStatus !== undefined ? { responseStatus: result.responseStatus } : {}),
    latencyMs: result.latencyMs,
    ...(result.error !== undefined ? { lastError: result.error } : {}),
    finishedAt: new Date().toISOString(),
  };
}
