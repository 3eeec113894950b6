import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Viber id belongs to at most one current staff member. The check in createStaff alone let two parallel
 * creations on PostgreSQL both pass; the index makes the second one lose its race (and be answered 409). A
 * later duplicate already stored loses its Viber id (it keeps its tokens); the oldest keeps it. The same SQL
 * works on SQLite and PostgreSQL, both of which take partial indexes.
 */
export class StaffViberUnique1764720000000 implements MigrationInterface {
  name = 'StaffViberUnique1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE staff_members SET viber_id = NULL
        WHERE removed_at IS NULL AND viber_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM staff_members older
           WHERE older.viber_id = staff_members.viber_id AND older.removed_at IS NULL
             AND (older.created_at < staff_members.created_at OR (older.created_at = staff_members.created_at AND older.id < staff_members.id)))`,
    );
    await queryRunner.query('CREATE UNIQUE INDEX idx_staff_members_viber_current ON staff_members (viber_id) WHERE removed_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idx_staff_members_viber_current');
  }
}
