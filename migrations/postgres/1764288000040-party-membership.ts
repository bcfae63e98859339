import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each party joined and left each agreement (twin of the SQLite one). NULL joined_on
 * means "from the start"; NULL left_on means "still a party".
 */
export class PartyMembership1764288000040 implements MigrationInterface {
  name = 'PartyMembership1764288000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agreement_parties ADD COLUMN joined_on text COLLATE "C"');
    await q.query('ALTER TABLE agreement_parties ADD COLUMN left_on text COLLATE "C"');
    // Backfill from the folded state, as the status projection writes them from now on.
    await q.query(`
      UPDATE agreement_parties p SET
        joined_on = COALESCE(s.state::jsonb -> 'accessions' ->> p.party, s.proposed_on),
        left_on = CASE WHEN NOT (s.state::jsonb -> 'parties') ? p.party THEN (
          SELECT f ->> 'withdrawnOn' FROM jsonb_array_elements(s.state::jsonb -> 'formerParties') WITH ORDINALITY AS t(f, i)
          WHERE f ->> 'party' = p.party ORDER BY i DESC LIMIT 1) END
      FROM agreement_status s WHERE s.id = p.agreement_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE agreement_parties DROP COLUMN left_on');
    await q.query('ALTER TABLE agreement_parties DROP COLUMN joined_on');
  }
}
