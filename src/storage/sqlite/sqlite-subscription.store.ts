import type { Database } from 'better-sqlite3';
import {
  rowToClaimed,
  rowToDelivery,
  rowToSubscription,
  type DeliveryRow,
  type SubscriptionRow,
} from '../subscription-rows.js';
import type {
  ClaimedSubscription,
  DeliveryRecord,
  Subscription,
  SubscriptionStore,
} from '../../webhooks/subscription.store.js';

/** Webhook subscriptions on SQLite (the main thread's connection; a few small writes per delivery). */
export class SqliteSubscriptionStore implements SubscriptionStore {
  constructor(private readonly db: Database) {}

  async create(s: Omit<ClaimedSubscription, 'status'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO webhook_subscriptions (id, url, secret, filter, status, position, created_at, created_by)
         VALUES (?, ?, ?, ?, 'active', ?, ?, ?)`,
      )
      .run(s.id, s.url, s.secret, JSON.stringify(s.filter), s.position, s.createdAt, s.createdBy);
  }

  async list(): Promise<Subscription[]> {
    return this.db
      .prepare<[], SubscriptionRow>('SELECT * FROM webhook_subscriptions ORDER BY created_at, id')
      .all()
      .map(rowToSubscription);
  }

  async get(id: string): Promise<Subscription | undefined> {
    const row = this.db
      .prepare<[string], SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = ?')
      .get(id);
    return row && rowToSubscription(row);
  }

  async remove(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM webhook_deliveries WHERE subscription_id = ?').run(id);
      return this.db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
    })();
  }

  async resume(id: string): Promise<Subscription | undefined> {
    const row = this.db
      .prepare<[string], SubscriptionRow>(
        `UPDATE webhook_subscriptions SET status = 'active', last_error = NULL, last_error_at = NULL
         WHERE id = ? RETURNING *`,
      )
      .get(id);
    return row && rowToSubscription(row);
  }

  async claim(owner: string, leaseMs: number): Promise<ClaimedSubscription[]> {
    const now = Date.now();
    // Asked first with a read: an UPDATE takes the write lock even when it changes nothing, and this
    // runs every second beside the writer thread.
    const open = this.db
      .prepare<[string, number], number>(
        `SELECT COUNT(*) FROM webhook_subscriptions
         WHERE status = 'active' AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
      )
      .pluck()
      .get(owner, now)!;
    if (open === 0) return [];
    return this.db
      .prepare<[string, number, string, number], SubscriptionRow>(
        `UPDATE webhook_subscriptions SET lease_owner = ?, lease_until = ?
         WHERE status = 'active' AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)
         RETURNING *`,
      )
      .all(owner, now + leaseMs, owner, now)
      .map(rowToClaimed);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE webhook_subscriptions SET lease_until = ?
           WHERE id = ? AND lease_owner = ? AND status = 'active'`,
        )
        .run(Date.now() + leaseMs, id, owner).changes > 0
    );
  }

  async advance(id: string, owner: string, position: number, delivery?: DeliveryRecord): Promise<boolean> {
    return this.db.transaction(() => {
      const moved = this.db
        .prepare(
          `UPDATE webhook_subscriptions SET position = MAX(position, ?),
             last_error = CASE WHEN ? THEN NULL ELSE last_error END,
             last_error_at = CASE WHEN ? THEN NULL ELSE last_error_at END
           WHERE id = ? AND lease_owner = ? AND status = 'active'`,
        )
        .run(position, delivery ? 1 : 0, delivery ? 1 : 0, id, owner).changes;
      if (moved > 0 && delivery) this.log(id, delivery);
      return moved > 0;
    })();
  }

  async noteError(id: string, owner: string, error: string, at: string): Promise<void> {
    this.db
      .prepare(
        'UPDATE webhook_subscriptions SET last_error = ?, last_error_at = ? WHERE id = ? AND lease_owner = ?',
      )
      .run(error, at, id, owner);
  }

  async pause(id: string, owner: string, delivery: DeliveryRecord): Promise<boolean> {
    return this.db.transaction(() => {
      const paused = this.db
        .prepare(
          `UPDATE webhook_subscriptions SET status = 'paused', last_error = ?, last_error_at = ?,
             lease_owner = NULL, lease_until = 0
           WHERE id = ? AND lease_owner = ? AND status = 'active'`,
        )
        .run(delivery.lastError ?? 'failed', delivery.finishedAt, id, owner).changes;
      if (paused > 0) this.log(id, delivery);
      return paused > 0;
    })();
  }

  async deliveries(id: string, limit: number, before?: number) {
    return this.db
      .prepare<[string, number, number], DeliveryRow>(
        `SELECT * FROM webhook_deliveries WHERE subscription_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      )
      .all(id, before ?? Number.MAX_SAFE_INTEGER, limit)
      .map(rowToDelivery);
  }

  async release(owner: string): Promise<void> {
    this.db
      .prepare('UPDATE webhook_subscriptions SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = ?')
      .run(owner);
  }

  private log(id: string, d: DeliveryRecord): void {
    this.db
      .prepare(
        `INSERT INTO webhook_deliveries (subscription_id, position, event_id, event_type, status, attempts,
           response_status, latency_ms, last_error, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        d.position,
        d.eventId,
        d.eventType,
        d.status,
        d.attempts,
        d.responseStatus ?? null,
        d.latencyMs,
        d.lastError ?? null,
        d.finishedAt,
      );
  }
}
