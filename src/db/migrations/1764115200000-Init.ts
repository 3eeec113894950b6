import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { epoch, flag, integer, primary, text, varchar } from './columns';

/** The delivery core and the Viber binding: events, attempts, the job outbox, subscribers and claims. */
export class Init1764115200000 implements MigrationInterface {
  name = 'Init1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'events',
        columns: [
          primary(varchar('id', 128)),
          varchar('type', 40),
          varchar('phone', 16, true),
          flag('third_person', false),
          varchar('patient_id', 128, true),
          varchar('patient_name', 200, true),
          varchar('number', 24, true),
          varchar('code', 8, true),
          epoch('expires_at', true),
          text('details'),
          varchar('fingerprint', 64),
          varchar('status', 20),
          varchar('channel', 10, true),
          text('reason'),
          integer('round'),
          epoch('created_at'),
          epoch('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_events_created_at', columnNames: ['created_at'] }),
          new TableIndex({ name: 'idx_events_phone_created_at', columnNames: ['phone', 'created_at'] }),
          new TableIndex({ name: 'idx_events_status', columnNames: ['status'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'delivery_attempts',
        columns: [
          primary(varchar('id', 36)),
          varchar('event_id', 128),
          integer('round'),
          varchar('channel', 10),
          varchar('provider', 20),
          varchar('status', 20),
          text('detail'),
          varchar('external_id', 64, true),
          varchar('recipient_id', 64, true),
          epoch('created_at'),
          epoch('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_attempts_event', columnNames: ['event_id', 'created_at'] }),
          new TableIndex({ name: 'idx_attempts_external', columnNames: ['channel', 'external_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'jobs',
        columns: [
          primary(varchar('id', 140)),
          integer('round'),
          varchar('step', 20),
          epoch('due_at'),
          text('state', false, "'{}'"),
          varchar('locked_by', 64, true),
          epoch('locked_until', true),
          epoch('created_at'),
        ],
        indices: [new TableIndex({ name: 'idx_jobs_due', columnNames: ['due_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'pending_receipts',
        columns: [primary(varchar('id', 36)), varchar('message_token', 32), varchar('kind', 10), text('detail'), epoch('at')],
        indices: [new TableIndex({ name: 'idx_pending_receipts_token', columnNames: ['message_token'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'viber_subscribers',
        columns: [
          primary(varchar('viber_id', 64)),
          varchar('name', 100, true),
          varchar('language', 10, true),
          { name: 'api_version', type: 'integer', isNullable: true },
          varchar('phone', 16, true),
          epoch('verified_at', true),
          flag('active', true),
          flag('opted_out', false),
          epoch('created_at'),
          epoch('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_viber_subscribers_phone', columnNames: ['phone'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'phone_claims',
        columns: [
          primary(varchar('id', 36)),
          varchar('viber_id', 64),
          varchar('phone', 16),
          varchar('code_hash', 64),
          epoch('expires_at'),
          integer('wrong_tries'),
          varchar('status', 10),
          epoch('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'idx_phone_claims_viber', columnNames: ['viber_id', 'created_at'] }),
          new TableIndex({ name: 'idx_phone_claims_phone', columnNames: ['phone', 'created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'viber_callbacks',
        columns: [primary(varchar('key', 160)), epoch('at')],
        indices: [new TableIndex({ name: 'idx_viber_callbacks_at', columnNames: ['at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['viber_callbacks', 'phone_claims', 'viber_subscribers', 'pending_receipts', 'jobs', 'delivery_attempts', 'events']) {
      await queryRunner.dropTable(table);
    }
  }
}
