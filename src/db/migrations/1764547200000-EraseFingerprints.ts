import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events erased before retention also erased the retry fingerprint still hold it: a hash over their
 * fields with the code in them, which gives the code back to anyone trying the 9,000 possible ones.
 * The value is ERASED_FINGERPRINT (src/delivery/ingest.ts), written out: a migration never changes.
 */
export class EraseFingerprints1764547200000 implements MigrationInterface {
  name = 'EraseFingerprints1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("UPDATE events SET fingerprint = 'erased' WHERE erased_at IS NOT NULL");
  }

  async down(): Promise<void> {
    // The erased hashes cannot be brought back, and nothing needs them.
  }
}
