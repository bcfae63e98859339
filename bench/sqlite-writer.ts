import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/storage/sqlite/sqlite.database.js';
import { SqliteAppender, type AppendRequest } from '../src/storage/sqlite/event-store/sqlite-appender.js';
import { writerProjections } from '../src/storage/sqlite/sqlite-writer-projections.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { signedAgreement } from './events.js';

/**
 * The SQLite writer thread's work alone, in this process: what an append costs in the commit and
 * the inline projections, without HTTP or the hop between threads. A fresh file with the server's
 * durability (WAL, synchronous=FULL), the writer's projections, 1,000 signed agreements, then
 * batches of `batch` one-event appends (`ConsultationHeld`, as the bench's append scenarios) for
 * four rounds of 3 s; each round prints appends/s and CPU µs an append.
 *
 *   npm run bench:sqlite-writer [-- <batch> [projection,…]]
 *
 * `batch` defaults to 6 (about what the mixed scenario's 8 writers give a commit); the projections
 * named (`log_tree`, `agreement_status`, `timeline`, `milestones`, `exercise_participants`) are
 * left out, to see what each costs.
 */

const AGREEMENTS = 1000;
const ROUND_MS = 3000;
const metadata = { actor: 'bench-sqlite-writer', source: 'bench' };

async function main(batch: number, without: readonly string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
  const sqlite = await openSqlite(join(dir, 'writer.sqlite'));
  try {
    const { projections, rolledBack } = writerProjections();
    const used = projections.filter((p) => !without.includes(p.name));
    const appender = new SqliteAppender(sqlite.db, used, rolledBack);
    console.log(`projections: ${used.map((p) => p.name).join(', ') || 'none'}; ${batch} appends a commit`);
    const at = () => new Date().toISOString();
    const opening = signedAgreement(metadata);
    for (let from = 0; from < AGREEMENTS; from += 100) {
      commitAll(
        appender,
        Array.from({ length: 100 }, (_, i) => ({
          streamId: `a-${from + i}`,
          events: opening,
          recordedAt: at(),
        })),
      );
    }
    const consultation: NewEvent[] = [
      {
        type: 'ConsultationHeld',
        occurredOn: '2024-05-01',
        metadata,
        data: { level: 'ministerial', topics: ['posture'] },
      },
    ];
    let next = 0;
    for (let round = 1; round <= 4; round++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      let appends = 0;
      while (performance.now() - started < ROUND_MS) {
        commitAll(
          appender,
          Array.from({ length: batch }, () => ({
            streamId: `a-${next++ % AGREEMENTS}`,
            events: consultation,
            recordedAt: at(),
          })),
        );
        appends += batch;
      }
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `round ${round}: ${Math.round(appends / seconds)} appends/s; CPU µs an append ${Math.round(
          (used.user + used.system) / appends,
        )} (user ${Math.round(used.user / appends)}, system ${Math.round(used.system / appends)})`,
      );
    }
  } finally {
    await sqlite.dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Commits a batch; a refused append would make the figures meaningless, so it stops the run. */
function commitAll(appender: SqliteAppender, batch: AppendRequest[]): void {
  for (const outcome of appender.commit(batch)) if ('error' in outcome) throw outcome.error;
}

const [batch = '6', without = ''] = process.argv.slice(2);
if (!/^[1-9]\d{0,3}$/.test(batch)) {
  console.error('usage: npm run bench:sqlite-writer [-- <batch 1-9999> [projection,…]]');
  process.exit(2);
}
await main(Number(batch), without.split(',').filter(Boolean));
