import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { SqliteAgreementStates } from './agreements/read/status/sqlite-agreement-states.js';
import { SqliteStatusReader } from './agreements/read/status/sqlite-status.reader.js';
import { STATUS_READER } from './agreements/read/status/status.reader.js';
import { SqliteTimelineReader } from './agreements/read/timeline/sqlite-timeline.reader.js';
import { TIMELINE_READER } from './agreements/read/timeline/timeline.reader.js';
import { MILESTONES_READER } from './agreements/read/milestones/milestones.reader.js';
import { SqliteMilestonesReader } from './agreements/read/milestones/sqlite-milestones.reader.js';
import { PARTY_READER } from './agreements/read/parties/party.reader.js';
import { SqlitePartyReader } from './agreements/read/parties/sqlite-party.reader.js';
import { sqliteReadModels } from './projections/sqlite-read-models.js';
import { AGREEMENT_STATES } from './agreements/write/agreement-states.js';
import { API_KEY_STORE } from './auth/api-key.js';
import { SqliteApiKeyStore } from './auth/sqlite-api-key.store.js';
import { IDEMPOTENCY_STORE } from './idempotency/idempotency.store.js';
import { SqliteIdempotencyStore } from './idempotency/sqlite-idempotency.store.js';
import { CLOCK, type Clock } from './clock.js';
import type { AppConfig } from './config/app.config.js';
import { openSqlite, type SqliteHandle } from './database/sqlite.database.js';
import { checkSqliteAppendOnly } from './database/append-only-guard.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { SqliteEventStore } from './event-store/sqlite/sqlite-event-store.js';
import { SqliteAppender } from './event-store/sqlite/sqlite-appender.js';
import { InlineWriter, WorkerWriter, type SqliteWriter } from './event-store/sqlite/sqlite-writer.js';
import { DATABASE_PROBE, type DatabaseProbe } from './database/database-probe.js';
import { postgresProviders } from './database/postgres.providers.js';
import { instrumentStore } from './metrics/instrumented-event-store.js';
import { METRICS, Metrics } from './metrics/metrics.js';

export const SQLITE = Symbol('SqliteHandle');
const SQLITE_WRITER = Symbol('SqliteWriter');

/** Closes the store (flushing queued appends) and then the database, on shutdown. */
class PersistenceLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQLITE) private readonly sqlite: SqliteHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.sqlite.dataSource.isInitialized) await this.sqlite.dataSource.destroy();
  }
}

/** Chooses the adapters for the configured database: the one place that knows the dialect. */
@Global()
@Module({})
export class PersistenceModule {
  /**
   * `serving`: the server, which refuses to start on a store that lost its append-only triggers
   * (append-only-guard.ts); the command-line tools (audit:verify among them) open it all the same.
   */
  static forRoot(config: AppConfig, options: { serving?: boolean } = {}): DynamicModule {
    const database = config.database;
    const serving = options.serving ?? false;
    if (database.kind === 'postgres') {
      const providers = postgresProviders(database, { migrate: config.migrationsRun, serving });
      return {
        module: PersistenceModule,
        providers,
        exports: providers.map((p) => ('provide' in p ? p.provide : p)),
      };
    }
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: SQLITE,
          useFactory: async () => {
            const handle = await openSqlite(database.file, { migrate: config.migrationsRun });
            try {
              if (serving) checkSqliteAppendOnly(handle.db, `file ${database.file}`);
            } catch (error) {
              await handle.dataSource.destroy();
              throw error;
            }
            return handle;
          },
        },
        { provide: METRICS, useFactory: () => new Metrics() },
        {
          provide: SQLITE_WRITER,
          inject: [SQLITE],
          // A file gets a writer thread of its own; `:memory:` is visible to this connection only.
          useFactory: (sqlite: SqliteHandle): Promise<SqliteWriter> =>
            database.file === ':memory:'
              ? Promise.resolve(new InlineWriter(new SqliteAppender(sqlite.db, sqliteReadModels())))
              : WorkerWriter.start(database.file),
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
          provide: STATUS_READER,
          inject: [SQLITE],
          useFactory: (s: SqliteHandle) => new SqliteStatusReader(s.db),
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
        PersistenceLifecycle,
      ],
      exports: [
        SQLITE,
        METRICS,
        DATABASE_PROBE,
        EVENT_STORE,
        AGREEMENT_STATES,
        STATUS_READER,
        TIMELINE_READER,
        MILESTONES_READER,
        PARTY_READER,
        API_KEY_STORE,
        IDEMPOTENCY_STORE,
      ],
    };
  }
}
