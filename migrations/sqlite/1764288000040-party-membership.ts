import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each party joined and left each agreement, so `?party=X&activeOn=D` can leave out
 * agreements X had already left, or had not yet acceded to, on D. NULL joined_on means
 * "from the start"; NULL left_on means "still a party".
 */
export class PartyMembership1764288000040 implements MigrationInterface {
  name = 'PartyMembership1764288000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agreement_parties ADD COLUMN joined_on TEXT');
    await q.query('ALTER TABLE agreement_parties ADD COLUMN left_on TEXT');
    // Backfill from the folded state, as the status projection writes them from now on.
    await q.query(`
      UPDATE agreement_parties SET
        joined_on = (
          SELECT COALESCE(
            (SELECT a.value FROM json_each(s.state, '$.accessions') a WHERE a.key = agreement_parties.party),
            s.proposed_on)
          FROM agreement_status s WHERE s.id = agreement_parties.agreement_id),
        left_on = (
          SELECT (SELECT json_extract(f.value, '$.withdrawnOn') FROM json_each(s.state, '$.formerParties') f
                  WHERE json_extract(f.value, '$.party') = agreement_parties.party
                  ORDER BY f.key DESC LIMIT 1)
          FROM agreement_status s
          WHERE s.id = agreement_parties.agreement_id
            AND NOT EXISTS (SELECT 1 FROM json_each(s.state, '$.parties') p WHERE p.value = agreement_parties.party))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agreement_parties DROP COLUMN left_on');
    await q.query('ALTER TABLE agreement_parties DROP COLUMN joined_on');
  }
}
