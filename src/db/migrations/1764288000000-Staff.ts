import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { epoch, primary, varchar } from './columns';

/** Staff, their hashed API tokens, and the append-only audit log. */
export class Staff1764288000000 implements MigrationInterface {
  name = 'Staff1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'staff_members',
        columns: [
          primary(varchar('id', 36)),
          varchar('name', 100),
          varchar('role', 10),
          varchar('viber_id', 64, true),
          epoch('created_at'),
          epoch('removed_at', true),
        ],
        indices: [new TableIndex({ name: 'idx_staff_members_viber', columnNames: ['viber_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff_tokens',
        columns: [primary(varchar('id', 36)), varchar('staff_id', 36), varchar('token_hash', 64), epoch('created_at')],
        indices: [
          new TableIndex({ name: 'idx_staff_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_staff_tokens_staff', columnNames: ['staff_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          epoch('at'),
          varchar('via', 10),
          varchar('actor', 120),
          varchar('actor_name', 100, true),
          varchar('action', 40),
          varchar('target', 200, true),
          varchar('outcome', 12),
          { name: 'detail', type: 'text', isNullable: true },
          varchar('source', 64, true),
        ],
        indices: [new TableIndex({ name: 'idx_audit_log_at', columnNames: ['at'] })],
      }),
    );
    // Append-only is enforced by the database, not only by the code that happens to write it today.
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
      await queryRunner.query(
        'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
      );
    } else {
      for (const operation of ['UPDATE', 'DELETE']) {
        await queryRunner.query(
          `CREATE TRIGGER audit_log_no_${operation.toLowerCase()} BEFORE ${operation} ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_log');
    if (queryRunner.connection.options.type === 'postgres') await queryRunner.query('DROP FUNCTION IF EXISTS audit_log_append_only()');
    await queryRunner.dropTable('staff_tokens');
    await queryRunner.dropTable('staff_members');
  }
}
