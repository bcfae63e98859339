import { EventStore1764288000000 } from './1764288000000-event-store.js';
import { ReadModels1764288000001 } from './1764288000001-read-models.js';
import { Accountability1764288000010 } from './1764288000010-accountability.js';
import { Security1764288000020 } from './1764288000020-security.js';
import { PartyMembership1764288000040 } from './1764288000040-party-membership.js';
import { PositionsNeverReused1764288000050 } from './1764288000050-positions-never-reused.js';
import { DatePrecision1764288000060 } from './1764288000060-date-precision.js';
import { MerkleLog1764288000070 } from './1764288000070-merkle-log.js';
import { MerkleNodes1764288000080 } from './1764288000080-merkle-nodes.js';
import { Webhooks1764288000090 } from './1764288000090-webhooks.js';

/** Listed explicitly: an ESM build has no glob loading of migration files. */
export const sqliteMigrations = [
  EventStore1764288000000,
  ReadModels1764288000001,
  Accountability1764288000010,
  Security1764288000020,
  PartyMembership1764288000040,
  PositionsNeverReused1764288000050,
  DatePrecision1764288000060,
  MerkleLog1764288000070,
  MerkleNodes1764288000080,
  Webhooks1764288000090,
];
