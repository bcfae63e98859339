import { SqliteLogStore } from './sqlite-log.store.js';
import { LOG_STORE } from '../../log/log-store.port.js';
import { Inject, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MILESTONES_READER } from '../../agreements/read/milestones/milestones.reader.js';
import { PARTY_READER } from '../../agreements/read/parties/party.reader.js';
import { STATUS_READER } from '../../agreements/read/status/status.reader.js';
import { TIMELINE_READER } from '../../agreements/read/timeline/timeline.reader.js';
import { AGREEMENT_STATES } from '../../agreements/write/agreement-states.js';
import { API_KEY_STORE } from '../../auth/api-key.js';
import { CLOCK, todayOf, type Clock } from '../../clock.js';
import type { DatabaseConfig } from '../../config/app.config.js';
import { DATABASE_PROBE, type DatabaseProbe } from '../../database/database-probe.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { IDEMPOTENCY_STORE } from '../../idempotency/idempotency.store.js';
import { instrumentStore } from '../../metrics/instrumented-event-store.js';
import { METRICS, Metrics } from '../../metrics/metrics.js';
import { SqliteChanges } from './sqlite-changes.js';
import { SqliteAppender } from './event-store/sqlite-appender.js';
import { SqliteEventStore } from './event-store/sqlite-event-store.js';
import { InlineWriter, WorkerWriter, type SqliteWriter } from './event-store/sqlite-writer.js';
import { SqliteAgreementStates } from './read/sqlite-agreement-states.js';
import { SqliteMilestonesReader } from './read/sqlite-milestones.reader.js';
import { SqlitePartyReader } from './read/sqlite-party.reader.js';
import { SqliteStatusReader } from './read/sqlite-status.reader.js';
import { SqliteTimelineReader } from './read/sqlite-timeline.reader.js';
import { checkSqliteAppendOnly } from './sqlite-append-only.js';
import { SqliteApiKeyStore } from './sqlite-api-key.store.js';
import { openSqlite, type SqliteHandle } from './sqlite.database.js';
import { SqliteIdempotencyStore } from './sqlite-idempotency.store.js';
import { SqliteSubscriptionStore } from './sqlite-subscription.store.js';
import { SUBSCRIPTION_STORE } from '../../webhooks/subscription.store.js';
import { WRITER_PROJECTIONS_MODULE, writerProjections } from './sqlite-writer-projections.js';

export const SQLITE = Symbol('SqliteHandle');
const SQLITE_WRITER = Symbol('SqliteWriter');

/** Closes the store (flushing queued appends) and then the database, on shutdown. */
class SqliteLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQLITE) private readonly sqlite: SqliteHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.sqlite.dataSource.isInitialized) await this.sqlite.dataSource.destroy();
  }
}

/**
 * Every adapter on SQLite, behind the same tokens as the PostgreSQL ones. `serving`: the server,
 * which refuses to start on a store that lost its append-only triggers; the command-line tools
 * (audit:verify among them) open it all the same.
 */
export function sqliteProviders(
  config: Extract<DatabaseConfig, { kind: 'sqlite' }>,
  options: { migrate: boolean; serving: boolean },
): Provider[] {
  return [
    {
      provide: SQLITE,
      useFactory: async () => {
        const handle = await openSqlite(config.file, { migrate: options.migrate });
        try {
          if (options.serving) checkSqliteAppendOnly(handle.db, `file ${config.file}`);
        } catch (error) {
          await handle.dataSource.destroy();
          throw error;
        }
        return handle;
      },
    },
    {
      provide: METRICS,
      inject: [SQLITE],
      useFactory: (sqlite: SqliteHandle) => {
        const metrics = new Metrics();
        metrics.measureReadCacheWith(SqliteChanges.of(sqlite.db).lookups);
        return metrics;
      },
    },
    {
      provide: SQLITE_WRITER,
      inject: [SQLITE],
      // A file gets a writer thread of its own; `:memory:` is visible to this connection only.
      useFactory: (sqlite: SqliteHandle): Promise<SqliteWriter> => {
        if (config.file !== ':memory:') {
          return WorkerWriter.start(config.file, { projections: WRITER_PROJECTIONS_MODULE });
        }
        const { projections, rolledBack } = writerProjections();
        return Promise.resolve(new InlineWriter(new SqliteAppender(sqlite.db, projections, rolledBack)));
      },
    },
    {
      provide: DATABASE_PROBE,
      inject: [SQLITE, SQLITE_WRITER],
      useFactory: (sqlite: SqliteHandle, writer: SqliteWriter): DatabaseProbe => ({
        kind: 'sqlite',
        ping: async () => {
          sqlite.db.prepare('SELECT 1').get();
          // Without its writer the instance can only answer 503 to writes: not ready.
          writer.check();
        },
      }),
    },
    {
      provide: EVENT_STORE,
      inject: [SQLITE, SQLITE_WRITER, CLOCK, METRICS],
      useFactory: (sqlite: SqliteHandle, writer: SqliteWriter, clock: Clock, metrics: Metrics) =>
        instrumentStore(new SqliteEventStore(sqlite.db, { writer, now: () => clock.now() }), metrics),
    },
    {
      provide: AGREEMENT_STATES,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteAgreementStates(s.db),
    },
    {
      provide: LOG_STORE,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteLogStore(s.db),
    },
    {
      provide: STATUS_READER,
      inject: [SQLITE, CLOCK],
      useFactory: (s: SqliteHandle, clock: Clock) => new SqliteStatusReader(s.db, () => todayOf(clock)),
    },
    {
      provide: TIMELINE_READER,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteTimelineReader(s.db),
    },
    {
      provide: MILESTONES_READER,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteMilestonesReader(s.db),
    },
    {
      provide: PARTY_READER,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqlitePartyReader(s.db),
    },
    {
      provide: API_KEY_STORE,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteApiKeyStore(s.db),
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteIdempotencyStore(s.db),
    },
    {
      provide: SUBSCRIPTION_STORE,
      inject: [SQLITE],
      useFactory: (s: SqliteHandle) => new SqliteSubscriptionStore(s.db),
    },
    SqliteLifecycle,
  ];
}
