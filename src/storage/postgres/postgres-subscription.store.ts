import type pg from 'pg';
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

/** The database's clock in epoch milliseconds: leases compare times of one clock, whichever instance asks. */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

/** The PostgreSQL twin of SqliteSubscriptionStore: instances share it, leases say which one delivers. */
export class PostgresSubscriptionStore implements SubscriptionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(s: Omit<ClaimedSubscription, 'status'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO webhook_subscriptions (id, url, secret, filter, status, position, created_at, created_by)
       VALUES ($1, $2, $3, $4, 'active', $5, $6, $7)`,
      [s.id, s.url, s.secret, JSON.stringify(s.filter), s.position, s.createdAt, s.createdBy],
    );
  }

  async list(): Promise<Subscription[]> {
    const found = await this.pool.query<SubscriptionRow>(
      'SELECT * FROM webhook_subscriptions ORDER BY created_at, id',
    );
    return found.rows.map(rowToSubscription);
  }

  async get(id: string): Promise<Subscription | undefined> {
    const found = await this.pool.query<SubscriptionRow>(
      'SELECT * FROM webhook_subscriptions WHERE id = $1',
      [id],
    );
    return found.rows[0] && rowToSubscription(found.rows[0]);
  }

  async remove(id: string): Promise<boolean> {
    // The delivery log goes with it (ON DELETE CASCADE).
    const removed = await this.pool.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
    return (removed.rowCount ?? 0) > 0;
  }

  async resume(id: string): Promise<Subscription | undefined> {
    const found = await this.pool.query<SubscriptionRow>(
      `UPDATE webhook_subscriptions SET status = 'active', last_error = NULL, last_error_at = NULL
       WHERE id = $1 RETURNING *`,
      [id],
    );
    return found.rows[0] && rowToSubscription(found.rows[0]);
  }

  async claim(owner: string, leaseMs: number): Promise<ClaimedSubscription[]> {
    const found = await this.pool.query<SubscriptionRow>(
      `UPDATE webhook_subscriptions SET lease_owner = $1, lease_until = ${NOW_MS} + $2
       WHERE status = 'active' AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < ${NOW_MS})
       RETURNING *`,
      [owner, leaseMs],
    );
    return found.rows.map(rowToClaimed);
  }

  async renew(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.pool.query(
      `UPDATE webhook_subscriptions SET lease_until = ${NOW_MS} + $3
       WHERE id = $1 AND lease_owner = $2 AND status = 'active'`,
      [id, owner, leaseMs],
    );
    return (renewed.rowCount ?? 0) > 0;
  }

  async advance(id: string, owner: string, position: number, delivery?: DeliveryRecord): Promise<boolean> {
    const clear = delivery !== undefined;
    const sql = `UPDATE webhook_subscriptions SET position = GREATEST(position, $3),
        last_error = CASE WHEN $4 THEN NULL ELSE last_error END,
        last_error_at = CASE WHEN $4 THEN NULL ELSE last_error_at END
      WHERE id = $1 AND lease_owner = $2 AND status = 'active'`;
    if (!delivery) return ((await this.pool.query(sql, [id, owner, position, clear])).rowCount ?? 0) > 0;
    return this.inTransaction(async (client) => {
      const moved = ((await client.query(sql, [id, owner, position, clear])).rowCount ?? 0) > 0;
      if (moved) await this.log(client, id, delivery);
      return moved;
    });
  }

  async noteError(id: string, owner: string, error: string, at: string): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_subscriptions SET last_error = $3, last_error_at = $4 WHERE id = $1 AND lease_owner = $2',
      [id, owner, error, at],
    );
  }

  async pause(id: string, owner: string, delivery: DeliveryRecord): Promise<boolean> {
    return this.inTransaction(async (client) => {
      const paused =
        (
          await client.query(
            `UPDATE webhook_subscriptions SET status = 'paused', last_error = $3, last_error_at = $4,
               lease_owner = NULL, lease_until = 0
             WHERE id = $1 AND lease_owner = $2 AND status = 'active'`,
            [id, owner, delivery.lastError ?? 'failed', delivery.finishedAt],
          )
        ).rowCount ?? 0;
      if (paused > 0) await this.log(client, id, delivery);
      return paused > 0;
    });
  }

  async deliveries(id: string, limit: number, before?: number) {
    const found = await this.pool.query<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
      [id, before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return found.rows.map(rowToDelivery);
  }

  async release(owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE webhook_subscriptions SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = $1',
      [owner],
    );
  }

  private async log(client: pg.PoolClient, id: string, d: DeliveryRecord): Promise<void> {
    await client.query(
      `INSERT INTO webhook_deliveries (subscription_id, position, event_id, event_type, status, attempts,
         response_status, latency_ms, last_error, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
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
      ],
    );
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
