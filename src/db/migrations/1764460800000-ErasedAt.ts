import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When retention erased an event's code, texts and name. Without it, an event pushed without a
 * code could not be told from one whose code was erased: a staff resend of the latter sent an SMS
 * with nothing worth reading in it. The same SQL works on SQLite and PostgreSQL.
 */
export class ErasedAt1764460800000 implements MigrationInterface {
  name = 'ErasedAt1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE events ADD COLUMN erased_at bigint');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE events DROP COLUMN erased_at');
  }
}
