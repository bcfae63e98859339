import { DatabaseRefused } from './database-refused.js';

/**
 * The event store is append-only because the database refuses updates and deletes of `events`
 * (triggers made by the first migration). Someone holding the database can drop them, rewrite
 * history and put them back, or leave them dropped. The server checks at start that they are
 * there and enabled, and refuses to start without them, naming what is missing: it will not
 * serve a store whose safeguard is gone. (Tools such as `npm run audit:verify` still open it.)
 * Each database checks its own triggers (sqlite-append-only.ts, postgres-append-only.ts under storage/) and refuses with this.
 */
export const appendOnlyRefused = (where: string, missing: string[]) =>
  new DatabaseRefused(
    `The database ${where} is missing the append-only triggers of its event store: ${missing.join(', ')}. ` +
      'Without them its history could have been changed. The server will not start on it: restore the ' +
      'database from a backup, or verify it (npm run audit:verify) and recreate the triggers as the first migration does.',
  );
