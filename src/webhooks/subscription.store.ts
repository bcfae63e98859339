/** What a subscription asks for; an absent list lets every value through. */
export interface SubscriptionFilter {
  events?: string[];
  agreements?: string[];
  parties?: string[];
}

export type SubscriptionStatus = 'active' | 'paused';

export interface Subscription {
  id: string;
  url: string;
  filter: SubscriptionFilter;
  status: SubscriptionStatus;
  /** The durable checkpoint: every event up to this position is delivered or not this subscription's. */
  position: number;
  createdAt: string;
  createdBy: string;
  lastError?: string;
  lastErrorAt?: string;
}

/** A subscription as its deliverer holds it: with the signing secret, never shown again after creation. */
export interface ClaimedSubscription extends Subscription {
  secret: string;
}

export interface DeliveryRecord {
  position: number;
  eventId: string;
  eventType: string;
  status: 'delivered' | 'failed';
  attempts: number;
  responseStatus?: number;
  latencyMs: number;
  lastError?: string;
  finishedAt: string;
}

/**
 * Subscriptions, their checkpoints, leases and delivery logs, behind each database's seam. Every
 * write a deliverer makes names the lease it holds (`owner`) and changes nothing once that lease
 * is lost (another instance took the subscription over): the checkpoint never moves under the new
 * holder, and the old one learns it must stop.
 */
export interface SubscriptionStore {
  create(input: Omit<ClaimedSubscription, 'status'>): Promise<void>;
  list(): Promise<Subscription[]>;
  get(id: string): Promise<Subscription | undefined>;
  /** Removes it and its delivery log; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** Active again from its checkpoint, its error cleared; undefined when there is none. */
  resume(id: string): Promise<Subscription | undefined>;
  /**
   * Takes or renews, for `leaseMs`, the lease of every active subscription that is free, expired or
   * already `owner`'s, and returns those it now holds.
   */
  claim(owner: string, leaseMs: number): Promise<ClaimedSubscription[]>;
  /** Renews one lease; false when `owner` no longer holds it (or the subscription is gone or paused). */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Moves the checkpoint forward to `position`, logging `delivery` when given; false: lease lost. */
  advance(id: string, owner: string, position: number, delivery?: DeliveryRecord): Promise<boolean>;
  /** Notes a failed attempt on the subscription (shown while it retries). */
  noteError(id: string, owner: string, error: string, at: string): Promise<void>;
  /** Gives up: paused with its error, the failure logged, the lease released; false: lease lost. */
  pause(id: string, owner: string, delivery: DeliveryRecord): Promise<boolean>;
  /** The newest deliveries first, before the given delivery log id when asked. */
  deliveries(id: string, limit: number, before?: number): Promise<(DeliveryRecord & { id: number })[]>;
  /** Lets go of every lease `owner` holds (a clean shutdown: another instance takes over at once). */
  release(owner: string): Promise<void>;
}

export const SUBSCRIPTION_STORE = Symbol('SubscriptionStore');
