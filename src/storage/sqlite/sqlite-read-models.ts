import type { Database } from 'better-sqlite3';
import { SqliteMilestonesProjection } from './read/sqlite-milestones.projection.js';
import { SqliteExerciseParticipantsProjection } from './read/sqlite-exercise-participants.projection.js';
import type { StateCache } from '../../agreements/read/status/state-cache.js';
import { SqliteStatusProjection } from './read/sqlite-status.projection.js';
import { SqliteTimelineProjection } from './read/sqlite-timeline.projection.js';
import { SqliteLogTreeProjection } from './read/sqlite-log-tree.projection.js';
import type { InlineProjection } from '../../event-store/projections.js';

/** A projection a rebuild can replay: it names the tables it writes. */
export type RebuildableProjection = InlineProjection<Database> & { readonly tables: readonly string[] };

/**
 * Every SQLite read model, in the order they must run (milestones read the status row
 * written just before them). The app applies them inline with `suffix` ''; a rebuild
 * fills `_rebuild` copies with the very same code. Both may pass a cache of folded states
 * (StateCache: an entry counts only for the version right after it).
 */
export function sqliteReadModels(suffix = '', options: { cache?: StateCache } = {}): RebuildableProjection[] {
  return [
    new SqliteStatusProjection(suffix, options.cache),
    new SqliteMilestonesProjection(suffix, options.cache),
    new SqliteTimelineProjection(suffix),
    new SqliteExerciseParticipantsProjection(suffix),
    new SqliteLogTreeProjection(suffix),
  ];
}
