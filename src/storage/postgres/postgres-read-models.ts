import { PostgresMilestonesProjection } from './read/postgres-milestones.projection.js';
import { PostgresExerciseParticipantsProjection } from './read/postgres-exercise-participants.projection.js';
import { PostgresStatusProjection } from './read/postgres-status.projection.js';
import { PostgresTimelineProjection } from './read/postgres-timeline.projection.js';
import { PostgresLogTreeProjection } from './read/postgres-log-tree.projection.js';
import type { PostgresProjection } from './event-store/postgres-event-store.js';

/** A projection a rebuild can replay: it names the tables it writes. */
export type RebuildablePostgresProjection = PostgresProjection & { readonly tables: readonly string[] };

/**
 * Every PostgreSQL read model, in the order they must run (milestones take the states the status
 * projection has just folded): the twins of sqliteReadModels().
 */
export function postgresReadModels(suffix = ''): RebuildablePostgresProjection[] {
  const status = new PostgresStatusProjection(suffix);
  return [
    status,
    new PostgresMilestonesProjection(suffix, status),
    new PostgresTimelineProjection(suffix),
    new PostgresExerciseParticipantsProjection(suffix),
    new PostgresLogTreeProjection(suffix),
  ];
}
