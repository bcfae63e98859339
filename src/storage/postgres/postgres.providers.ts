import { PostgresLogStore } from './postgres-log.store.js';
import { LOG_STORE } from '../../log/log-store.port.js';
import { Inject, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MILESTONES_READER } from '../../agreements/read/milestones/milestones.reader.js';
import { PostgresMilestonesReader } from './read/postgres-milestones.reader.js';
import { PARTY_READER } from '../../agreements/read/parties/party.reader.js';
import { PostgresPartyReader } from './read/postgres-party.reader.js';
import { PostgresAgreementStates } from './read/postgres-agreement-states.js';
import { PostgresStatusReader } from './read/postgres-status.reader.js';
import { STATUS_READER } from '../../agreements/read/status/status.reader.js';
import { PostgresTimelineReader } from './read/postgres-timeline.reader.js';
import { TIMELINE_READER } from '../../agreements/read/timeline/timeline.reader.js';
import { AGREEMENT_STATES } from '../../agreements/write/agreement-states.js';
import { API_KEY_STORE } from '../../auth/api-key.js';
import { PostgresApiKeyStore } from './postgres-api-key.store.js';
import { CLOCK, todayOf, type Clock } from '../../clock.js';
import type { PostgresConfig } from '../../config/app.config.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { PostgresEventStore } from './event-store/postgres-event-store.js';
import { IDEMPOTENCY_STORE } from '../../idempotency/idempotency.store.js';
import { PostgresIdempotencyStore } from './postgres-idempotency.store.js';
import { PostgresSubscriptionStore } from './postgres-subscription.store.js';
import { SUBSCRIPTION_STORE } from '../../webhooks/subscription.store.js';
import { instrumentStore } from '../../metrics/instrumented-event-store.js';
import { METRICS, Metrics } from '../../metrics/metrics.js';
import { postgresReadModels } from './postgres-read-models.js';
import { DATABASE_PROBE, type DatabaseProbe } from '../../database/database-probe.js';
import { openPostgres, type PostgresHandle } from './postgres.database.js';
import { checkPostgresAppendOnly } from './postgres-append-only.js';

export const POSTGRES = Symbol('PostgresHandle');

/** Closes the store (committing queued appends, ending the listener) and then the pool, on shutdown. */
class PostgresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_KEY_STORE) private readonly keys: PostgresApiKeyStore,
    @Inject(POSTGRES) private readonly postgres: PostgresHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.keys.close();
    await this.store.close();
    await this.postgres.writer.end();
    await this.postgres.pool.end();
  }
}

const byPool = <T>(make: (handle: PostgresHandle) => T) => ({
  inject: [POSTGRES],
  useFactory: make,
});

/** Every adapter on PostgreSQL: the twins of the SQLite ones, behind the same tokens. */
export function postgresProviders(
  config: PostgresConfig,
  options: { migrate: boolean; serving: boolean },
): Provider[] {
  return [
    {
      provide: POSTGRES,
      useFactory: async () => {
        const handle = await openPostgres(config, { migrate: options.migrate });
        try {
          if (options.serving) await checkPostgresAppendOnly(handle.pool, 'at DATABASE_URL');
        } catch (error) {
          await handle.writer.end();
          await handle.pool.end();
          throw error;
        }
        return handle;
      },
    },
    { provide: METRICS, useFactory: () => new Metrics() },
    {
      provide: DATABASE_PROBE,
      inject: [POSTGRES, METRICS],
      useFactory: ({ pool }: PostgresHandle, metrics: Metrics): DatabaseProbe => {
        const probe: DatabaseProbe = {
          kind: 'postgres',
          ping: async () => void (await pool.query('SELECT 1')),
          pool: () => ({
            total: pool.totalCount,
            idle: pool.idleCount,
            waiting: pool.waitingCount,
            max: config.pool.max,
          }),
        };
        metrics.measurePoolWith(probe);
        return probe;
      },
    },
    {
      provide: EVENT_STORE,
      inject: [POSTGRES, CLOCK, METRICS],
      useFactory: async ({ pool, writer, url }: PostgresHandle, clock: Clock, metrics: Metrics) => {
        const store = await PostgresEventStore.open(pool, {
          writer,
          projections: postgresReadModels(),
          now: () => clock.now(),
          follow: { url },
        });
        metrics.measureLagWith(async () => Math.max(0, (await store.head()) - store.deliveredPosition));
        return instrumentStore(store, metrics);
      },
    },
    { provide: AGREEMENT_STATES, ...byPool((h) => new PostgresAgreementStates(h.pool)) },
    { provide: LOG_STORE, ...byPool((h) => new PostgresLogStore(h.pool)) },
    {
      provide: STATUS_READER,
      inject: [POSTGRES, CLOCK],
      useFactory: (h: PostgresHandle, clock: Clock) => new PostgresStatusReader(h.pool, () => todayOf(clock)),
    },
    { provide: TIMELINE_READER, ...byPool((h) => new PostgresTimelineReader(h.pool)) },
    { provide: MILESTONES_READER, ...byPool((h) => new PostgresMilestonesReader(h.pool)) },
    { provide: PARTY_READER, ...byPool((h) => new PostgresPartyReader(h.pool)) },
    {
      provide: API_KEY_STORE,
      inject: [POSTGRES],
      useFactory: async ({ pool, url }: PostgresHandle) => {
        const keys = new PostgresApiKeyStore(pool);
        // A serving instance answers most requests' key from memory (see PostgresApiKeyStore).
        if (options.serving) await keys.listen(url);
        return keys;
      },
    },
    { provide: IDEMPOTENCY_STORE, ...byPool((h) => new PostgresIdempotencyStore(h.pool)) },
    { provide: SUBSCRIPTION_STORE, ...byPool((h) => new PostgresSubscriptionStore(h.pool)) },
    PostgresLifecycle,
  ];
}
