import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { SqliteAgreementStates } from './agreements/read/status/sqlite-agreement-states.js';
import { SqliteStatusReader } from './agreements/read/status/sqlite-status.reader.js';
import { SqliteStatusProjection } from './agreements/read/status/status.projection.js';
import { STATUS_READER } from './agreements/read/status/status.reader.js';
import { SqliteTimelineReader } from './agreements/read/timeline/sqlite-timeline.reader.js';
import { SqliteTimelineProjection } from './agreements/read/timeline/timeline.projection.js';
import { TIMELINE_READER } from './agreements/read/timeline/timeline.reader.js';
import { AGREEMENT_STATES } from './agreements/write/agreement-states.js';
import { CLOCK, type Clock } from './clock.js';
import type { AppConfig } from './config/app.config.js';
import { openSqlite, type SqliteHandle } from './database/sqlite.database.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { SqliteEventStore } from './event-store/sqlite/sqlite-event-store.js';

export const SQLITE = Symbol('SqliteHandle');

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
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: SQLITE, useFactory: () => openSqlite(config.database.file) },
        {
          provide: EVENT_STORE,
          inject: [SQLITE, CLOCK],
          useFactory: (sqlite: SqliteHandle, clock: Clock) =>
            new SqliteEventStore(sqlite.db, {
              projections: [new SqliteStatusProjection(), new SqliteTimelineProjection()],
              now: () => clock.now(),
            }),
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
        PersistenceLifecycle,
      ],
      exports: [SQLITE, EVENT_STORE, AGREEMENT_STATES, STATUS_READER, TIMELINE_READER],
    };
  }
}
