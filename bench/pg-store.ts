import 'reflect-metadata';
import { postgresReadModels } from '../src/storage/postgres/postgres-read-models.js';
import { openPostgres } from '../src/storage/postgres/postgres.database.js';
import { PostgresEventStore } from '../src/storage/postgres/event-store/postgres-event-store.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { postgresCpuMs, startBenchPostgres } from './postgres.js';
import { signedAgreement } from './events.js';

/**
 * The PostgreSQL store alone, without HTTP: what an append costs the instance's process and
 * PostgreSQL in the append transaction and its projections. A durable PostgreSQL (as pg-append's),
 * 500 signed agreements, then `ExerciseHeld` appends handed to the store `batch` at a time (they
 * share a transaction), for three rounds of 3 s.
 *
 *   npm run bench:pg-store [-- <batch>]     (default 16: pg-append's transactions hold about that many)
 */

const AGREEMENTS = 500;
const ROUND_MS = 3000;
const metadata = { actor: 'bench-pg-store', source: 'bench' };
const exercise: NewEvent = {
  type: 'ExerciseHeld',
  occurredOn: '2021-06-10',
  metadata,
  data: { name: 'Keen Sword', startedOn: '2021-06-01', endedOn: '2021-06-10', participants: ['USA', 'JPN'] },
};
async function main(batch: number): Promise<void> {
  const postgres = await startBenchPostgres();
  const handle = await openPostgres({
    kind: 'postgres',
    url: postgres.url,
    pool: { max: 10, idleTimeoutMs: 30_000, connectionTimeoutMs: 5_000, statementTimeoutMs: 0 },
  });
  const store = await PostgresEventStore.open(handle.pool, {
    writer: handle.writer,
    projections: postgresReadModels(),
    follow: false,
  });
  try {
    const opening = signedAgreement(metadata);
    await Promise.all(Array.from({ length: AGREEMENTS }, (_, i) => store.append(`bench-${i}`, opening)));
    let next = 0;
    for (let round = 1; round <= 3; round++) {
      const cpu = process.cpuUsage();
      const pgCpu = postgresCpuMs(postgres.pid);
      const started = performance.now();
      let appends = 0;
      while (performance.now() - started < ROUND_MS) {
        await Promise.all(
          Array.from({ length: batch }, () => store.append(`bench-${next++ % AGREEMENTS}`, [exercise])),
        );
        appends += batch;
      }
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const perAppend = (us: number) => Math.round(us / appends);
      console.log(
        `round ${round}, ${batch} appends a transaction: ${Math.round(appends / seconds)} appends/s; ` +
          `CPU µs an append: this process ${perAppend(used.user + used.system)}, ` +
          `PostgreSQL ${perAppend((postgresCpuMs(postgres.pid) - pgCpu) * 1000)}`,
      );
    }
  } finally {
    await store.close();
    await handle.writer.end();
    await handle.pool.end();
    await postgres.stop();
  }
}

await main(Number(process.argv[2] ?? 16));
