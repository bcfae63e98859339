import type pg from 'pg';
import { rows } from '../postgres.database.js';
import type { Agreement } from '../../../agreements/domain/agreement.state.js';
import type { AgreementView } from '../../../agreements/read/status/status.reader.js';
import type { PartyReader } from '../../../agreements/read/parties/party.reader.js';

/** The PostgreSQL twin of SqlitePartyReader. */
export class PostgresPartyReader implements PartyReader {
  constructor(private readonly pool: pg.Pool) {}

  async agreementsOf(party: string): Promise<AgreementView[]> {
    const found = await rows<{ state: string; version: number }>(
      this.pool,
      `SELECT s.state, s.version FROM agreement_parties p JOIN agreement_status s ON s.id = p.agreement_id
       WHERE p.party = $1 ORDER BY s.id`,
      [party],
    );
    return found.map((r) => ({ ...(JSON.parse(r.state) as Agreement), version: r.version }));
  }

  async jointExercises(party: string): Promise<Map<string, number>> {
    const found = await rows<{ party: string; n: number }>(
      this.pool,
      `SELECT other.party, COUNT(*) AS n
       FROM exercise_participants me
       JOIN exercise_participants other ON other.position = me.position AND other.party <> me.party
       WHERE me.party = $1 GROUP BY other.party`,
      [party],
    );
    return new Map(found.map((r) => [r.party, r.n]));
  }
}
