import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook subscriptions and their delivery log (twin of the SQLite one). */
export class Webhooks1764288000090 implements MigrationInterface {
  name = 'Webhooks1764288000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id            text COLLATE "C" PRIMARY KEY,
        url           text    NOT NULL,
        secret        text    NOT NULL,
        filter        text    NOT NULL,
        status        text    NOT NULL CHECK (status IN ('active', 'paused')),
        position      bigint  NOT NULL,
        created_at    text COLLATE "C" NOT NULL,
        created_by    text    NOT NULL,
        last_error    text,
        last_error_at text,
        lease_owner   text,
        lease_until   bigint  NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id              bigserial PRIMARY KEY,
        subscription_id text COLLATE "C" NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        position        bigint  NOT NULL,
        event_id        text    NOT NULL,
        event_type      text    NOT NULL,
        status          text    NOT NULL CHECK (status IN ('delivered', 'failed')),
        attempts        integer NOT NULL,
        response_status integer,
        latency_ms      integer NOT NULL,
        last_error      text,
        finished_at     text    NOT NULL
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
