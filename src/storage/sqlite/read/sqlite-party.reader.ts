import type { Database, Statement } from 'better-sqlite3';
import type { Agreement } from '../../../agreements/domain/agreement.state.js';
import type { AgreementView } from '../../../agreements/read/status/status.reader.js';
import type { PartyReader } from '../../../agreements/read/parties/party.reader.js';

export class SqlitePartyReader implements PartyReader {
  private readonly agreements: Statement<[string], { state: string; version: number }>;
  private readonly exercises: Statement<[string], { party: string; n: number }>;

  constructor(db: Database) {
    this.agreements = db.prepare(
      `SELECT s.state, s.version FROM agreement_parties p JOIN agreement_status s ON s.id = p.agreement_id
       WHERE p.party = ? ORDER BY s.id`,
    );
    this.exercises = db.prepare(
      `SELECT other.party, COUNT(*) AS n
       FROM exercise_participants me
       JOIN exercise_participants other ON other.position = me.position AND other.party <> me.party
       WHERE me.party = ? GROUP BY other.party`,
    );
  }

  async agreementsOf(party: string): Promise<AgreementView[]> {
    return this.agreements
      .all(party)
      .map((r) => ({ ...(JSON.parse(r.state) as Agreement), version: r.version }));
  }

  async jointExercises(party: string): Promise<Map<string, number>> {
    return new Map(this.exercises.all(party).map((r) => [r.party, r.n]));
  }
}
