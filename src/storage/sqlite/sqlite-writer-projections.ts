import type { Database } from 'better-sqlite3';
import { StateCache } from '../../agreements/read/status/state-cache.js';
import type { WriterProjections } from '../../event-store/projections.js';
import { sqliteReadModels } from './sqlite-read-models.js';

/** Where the writer thread finds this module, relative to its own script (event-store/sqlite-writer.worker.js). */
export const WRITER_PROJECTIONS_MODULE = '../sqlite-writer-projections.js';

/**
 * The read models the SQLite writer thread applies in each commit, loaded by the thread from this
 * module (WorkerWriter.start's `projections`). The status and milestones projections fold each
 * event onto the state they last wrote (an entry counts only for the very next version).
 */
export function writerProjections(): WriterProjections<Database> {
  const states = new StateCache(10_000);
  return { projections: sqliteReadModels('', { cache: states }), rolledBack: () => states.clear() };
}
