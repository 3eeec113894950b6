import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * From when a Viber subscriber may see what eHealth sent to their phone: set when they proved a phone
 * another Viber user had verified before (a recycled number, another person's phone), so the previous
 * owner's prescriptions and codes are not shown to the new one. The same SQL works on SQLite and PostgreSQL.
 */
export class DataSince1764633600000 implements MigrationInterface {
  name = 'DataSince1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE viber_subscribers ADD COLUMN data_since bigint');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE viber_subscribers DROP COLUMN data_since');
  }
}
