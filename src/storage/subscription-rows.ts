import type {
  ClaimedSubscription,
  DeliveryRecord,
  Subscription,
  SubscriptionFilter,
} from '../webhooks/subscription.store.js';

/** A webhook_subscriptions row as both databases return it (bigints arrive as strings from pg). */
export interface SubscriptionRow {
  id: string;
  url: string;
  secret: string;
  filter: string;
  status: 'active' | 'paused';
  position: number | string;
  created_at: string;
  created_by: string;
  last_error: string | null;
  last_error_at: string | null;
}

export interface DeliveryRow {
  id: number | string;
  position: number | string;
  event_id: string;
  event_type: string;
  status: 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  latency_ms: number;
  last_error: string | null;
  finished_at: string;
}

export function rowToSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    url: r.url,
    filter: JSON.parse(r.filter) as SubscriptionFilter,
    status: r.status,
    position: Number(r.position),
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    ...(r.last_error_at !== null ? { lastErrorAt: r.last_error_at } : {}),
  };
}

export const rowToClaimed = (r: SubscriptionRow): ClaimedSubscription => ({
  ...rowToSubscription(r),
  secret: r.secret,
});

export function rowToDelivery(r: DeliveryRow): DeliveryRecord & { id: number } {
  return {
    id: Number(r.id),
    position: Number(r.position),
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    ...(r.response_status !== null ? { responseStatus: r.response_status } : {}),
    latencyMs: r.latency_ms,
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    finishedAt: r.finished_at,
  };
}
