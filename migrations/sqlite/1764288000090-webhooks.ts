import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions and their delivery log. `position` is the durable checkpoint: the last
 * position this subscription is done with (delivered, or not its business). `lease_owner` and
 * `lease_until` (epoch ms) name the one instance that delivers it.
 */
export class Webhooks1764288000090 implements MigrationInterface {
  name = 'Webhooks1764288000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id            TEXT    PRIMARY KEY,
        url           TEXT    NOT NULL,
        secret        TEXT    NOT NULL,
        filter        TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('active', 'paused')),
        position      INTEGER NOT NULL,
        created_at    TEXT    NOT NULL,
        created_by    TEXT    NOT NULL,
        last_error    TEXT,
        last_error_at TEXT,
        lease_owner   TEXT,
        lease_until   INTEGER NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id TEXT    NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        event_id        TEXT    NOT NULL,
        event_type      TEXT    NOT NULL,
        status          TEXT    NOT NULL CHECK (status IN ('delivered', 'failed')),
        attempts        INTEGER NOT NULL,
        response_status INTEGER,
        latency_ms      INTEGER NOT NULL,
        last_error      TEXT,
        finished_at     TEXT    NOT NULL
      )`);
    await q.query(
      'CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE webhook_subscriptions');
  }
}
