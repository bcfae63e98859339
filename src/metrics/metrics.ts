import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseProbe } from '../database/database-probe.js';

/**
 * The application's Prometheus metrics, in a registry of its own (several applications
 * may share a process, as in tests). Served as text by GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  /**
   * Appends by outcome: committed, duplicate (an idempotent retry), conflict (lost a race to a
   * concurrent append: retried, or 412 under If-Match), refused, unavailable.
   */
  readonly appends = new Counter({
    name: 'treaty_ledger_appends_total',
    help: 'Appends to the event store, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'treaty_ledger_events_appended_total',
    help: 'Events committed to the event store by this instance',
    registers: [this.registry],
  });
  readonly conflicts = new Counter({
    name: 'treaty_ledger_append_conflicts_total',
    help: 'Writes answered 412 Precondition Failed: the If-Match version was stale',
    registers: [this.registry],
  });
  readonly appendSeconds = new Histogram({
    name: 'treaty_ledger_append_duration_seconds',
    help: 'Time from an append call to its durable commit (or refusal)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly liveClients = new Gauge({
    name: 'treaty_ledger_live_clients',
    help: 'Open server-sent event connections (GET /api/events/live)',
    registers: [this.registry],
  });
  private lag: () => Promise<number> = async () => 0;
  private probe: DatabaseProbe | undefined;
  private cacheLookups: { readonly hits: number; readonly misses: number } | undefined;

  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults ?? true) collectDefaultMetrics({ register: this.registry });
    const lag = () => this.lag();
    const pool = () => this.probe?.pool?.();
    const lookups = () => this.cacheLookups;
    new Gauge({
      name: 'treaty_ledger_projection_lag_events',
      help: 'Events committed to the store that this instance has not yet delivered to its live feed',
      registers: [this.registry],
      async collect() {
        this.set(await lag().catch(() => 0));
      },
    });
    new Gauge({
      name: 'treaty_ledger_db_pool_connections',
      help: 'Database pool connections by state (PostgreSQL): total, idle, waiting requests, max',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = pool();
        if (!stats) return;
        for (const state of ['total', 'idle', 'waiting', 'max'] as const) this.set({ state }, stats[state]);
      },
    });
    new Counter({
      name: 'treaty_ledger_read_cache_lookups_total',
      help: 'Lookups in the read caches of status and stream versions (SQLite), by result: hit, or miss (read from the database)',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        const counts = lookups();
        if (!counts) return;
        this.reset();
        this.inc({ result: 'hit' }, counts.hits);
        this.inc({ result: 'miss' }, counts.misses);
      },
    });
  }

  /** The read caches' running counts (the SQLite adapter's connection); none is shown when unset. */
  measureReadCacheWith(lookups: { readonly hits: number; readonly misses: number }): void {
    this.cacheLookups = lookups;
  }

  /** Where the projection lag comes from (the PostgreSQL adapter's follower); 0 when unset. */
  measureLagWith(lag: () => Promise<number>): void {
    this.lag = lag;
  }

  measurePoolWith(probe: DatabaseProbe): void {
    this.probe = probe;
  }
}

export const METRICS = Symbol('Metrics');
