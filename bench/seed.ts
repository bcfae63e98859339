import 'reflect-metadata';
import { SqliteStatusProjection } from '../src/storage/sqlite/read/sqlite-status.projection.js';
import { SqliteTimelineProjection } from '../src/storage/sqlite/read/sqlite-timeline.projection.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.database.js';
import type { NewEvent } from '../src/event-store/event-store.port.js';
import { signedAgreement } from './events.js';
import { SqliteEventStore } from '../src/storage/sqlite/event-store/sqlite-event-store.js';

/**
 * Seeds a SQLite file with many events quickly, straight through the SqliteEventStore
 * (hash chain, inline projections, durable commits) without HTTP: `streams` agreements of
 * `perStream` events each, written as 100-event appends, many appends per transaction.
 *
 *   node dist/bench/seed.js <file> <streams> <perStream>
 *
 * Prints one JSON line: { events, seconds }.
 */

const APPEND_SIZE = 100;
/** Appends handed to the store at once: they share one transaction (group commit). */
const APPENDS_AT_ONCE = 50;
const metadata = { actor: 'bench-seed', source: 'bench' };

export const seedStreamId = (i: number) => `seed-${i}`;

const opening = signedAgreement(metadata);

function eventAt(version: number): NewEvent {
  if (version <= opening.length) return opening[version - 1]!;
  const day = `2021-${String((version % 12) + 1).padStart(2, '0')}-${String((version % 28) + 1).padStart(2, '0')}`;
  switch (version % 3) {
    case 0:
      return {
        type: 'ConsultationHeld',
        occurredOn: day,
        metadata,
        data: { level: 'working', topics: ['logistics'] },
      };
    case 1:
      return {
        type: 'ContributionRecorded',
        occurredOn: day,
        metadata,
        data: { party: 'JPN', category: 'funding', amount: 1000 + version, unit: 'USD' },
      };
    default:
      return {
        type: 'ExerciseHeld',
        occurredOn: day,
        metadata,
        data: { name: `Drill ${version}`, startedOn: day, participants: ['USA', 'JPN'] },
      };
  }
}

async function seed(file: string, streams: number, perStream: number): Promise<void> {
  const sqlite = await openSqlite(file);
  const store = new SqliteEventStore(sqlite.db, {
    projections: [new SqliteStatusProjection(), new SqliteTimelineProjection()],
  });
  const started = performance.now();
  let events = 0;
  for (let from = 1; from <= perStream; from += APPEND_SIZE) {
    const size = Math.min(APPEND_SIZE, perStream - from + 1);
    const batch = Array.from({ length: size }, (_, i) => eventAt(from + i));
    for (let s = 0; s < streams; s += APPENDS_AT_ONCE) {
      const appends: Promise<unknown>[] = [];
      for (let i = s; i < Math.min(streams, s + APPENDS_AT_ONCE); i++) {
        appends.push(store.append(seedStreamId(i), batch, { expectedVersion: from - 1 }));
      }
      await Promise.all(appends);
      events += size * appends.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  await sqlite.dataSource.destroy();
  console.log(JSON.stringify({ events, seconds }));
}

const [file, streams, perStream] = process.argv.slice(2);
if (process.argv[1]?.endsWith('seed.js')) {
  if (!file || !streams || !perStream) {
    console.error('usage: node dist/bench/seed.js <file> <streams> <perStream>');
    process.exit(2);
  }
  await seed(file, Number(streams), Number(perStream));
}
