import type { Database } from '../db/database';
import { execute } from '../db/sql';
import { ERASED_FINGERPRINT } from '../delivery/ingest';
import { type DeliveryMetrics, noMetrics } from '../metrics';

const DAY_MS = 24 * 3600_000;

/** Handled Viber callbacks are kept this long: Viber retries a callback for far less. */
export const VIBER_CALLBACK_TTL_MS = 2 * DAY_MS;
/** A receipt parked for a send that never stored its token is moot after a day. */
export const PENDING_RECEIPT_TTL_MS = DAY_MS;

/** Rows per statement: short transactions, so pushes never wait long behind a retention pass. */
const BATCH = 1000;

export interface RetentionResult {
  eventsErased: number;
  viberCallbacks: number;
  pendingReceipts: number;
}

/**
 * Deletes what is only needed while a message can still be used: `retentionDays` after a document
 * expires (or, without an expiry, after it was pushed) its code, medical details and the patient's
 * name are erased, and so is the fingerprint that recognises a retry: a hash over the fields with the code
 * in them, it would give the code back to anyone trying the 9,000 possible ones. The event row with its type, status, channel and the attempt timeline stays for
 * the statistics. Every statement is idempotent, so two instances running it at once do no harm.
 */
export class Retention {
  constructor(
    private readonly db: Database,
    private readonly retentionDays: number,
    private readonly metrics: DeliveryMetrics = noMetrics,
  ) {}

  async run(now: number): Promise<RetentionResult> {
    const cutoff = now - this.retentionDays * DAY_MS;
    // The WHERE clause repeats idx_events_erasable's expression and condition word for word, so that
    // both databases walk only the rows that still hold something to erase.
    const eventsErased = await this.inBatches(
      `UPDATE events SET code = NULL, details = NULL, patient_name = NULL, fingerprint = ?, erased_at = ?, updated_at = ?
        WHERE id IN (SELECT id FROM events
                      WHERE COALESCE(expires_at, created_at) < ?
                        AND (code IS NOT NULL OR details IS NOT NULL OR patient_name IS NOT NULL)
                      LIMIT ${BATCH})`,
      [ERASED_FINGERPRINT, now, now, cutoff],
    );
    const viberCallbacks = await this.inBatches(
      `DELETE FROM viber_callbacks WHERE key IN (SELECT key FROM viber_callbacks WHERE at < ? LIMIT ${BATCH})`,
      [now - VIBER_CALLBACK_TTL_MS],
    );
    const pendingReceipts = await this.inBatches(
      `DELETE FROM pending_receipts WHERE id IN (SELECT id FROM pending_receipts WHERE at < ? LIMIT ${BATCH})`,
      [now - PENDING_RECEIPT_TTL_MS],
    );
    this.metrics.retention('events_erased', eventsErased);
    this.metrics.retention('viber_callbacks', viberCallbacks);
    this.metrics.retention('pending_receipts', pendingReceipts);
    return { eventsErased, viberCallbacks, pendingReceipts };
  }

  /** Repeats a statement that changes at most BATCH rows, one transaction each, until it changes fewer. */
  private async inBatches(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await this.db.tx((manager) => execute(manager, sql, params));
      total += changed;
      if (changed < BATCH) return total;
    }
  }
}
