import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { dialectOf, execute, select } from '../db/sql';
import { Job } from '../entities/Job';
import { metricsOf } from '../metrics';
import { moveWaitingJob, putJob } from './jobs';
import { findViberAttempt, loadAttempt, loadEvent, type ReceiptTarget, updateAttempt, updateEventStatus } from './store';

/** What an attempt says when its user unsubscribed while the cascade waited for a receipt. */
export const UNSUBSCRIBED_DURING_WAIT = 'the Viber user unsubscribed before a delivered receipt';

/**
 * A Viber user unsubscribed: no receipt will come for the cards they were sent and not yet received, so
 * the SMS of each goes now instead of after VIBER_DELIVERY_TIMEOUT_S. Returns how many were hurried.
 * Waiting jobs are few (those of the last timeout's length), found by their due time.
 */
export async function hurryWaitsForUnsubscribed(manager: EntityManager, viberId: string, now: number): Promise<number> {
  const waiting = await select<{ id: string; round: number; state: string }>(manager, "SELECT id, round, state FROM jobs WHERE step = 'viber_wait' AND due_at > ?", [now]);
  let hurried = 0;
  for (const job of waiting) {
    const attemptId = (JSON.parse(job.state) as { attemptId?: unknown }).attemptId;
    const attempt = typeof attemptId === 'string' ? await loadAttempt(manager, attemptId) : null;
    if (!attempt || attempt.recipientId !== viberId || attempt.status !== 'sent') continue;
    await updateAttempt(manager, attempt.id, { status: 'sent', detail: UNSUBSCRIBED_DURING_WAIT, at: now });
    hurried += await execute(manager, "UPDATE jobs SET due_at = ? WHERE id = ? AND step = 'viber_wait' AND round = ?", [now, job.id, Number(job.round)]);
  }
  return hurried;
}

/** A parked receipt older than this belongs to no send still in flight. */
export const PENDING_RECEIPT_TTL_MS = 10 * 60_000;

export type ReceiptKind = 'delivered' | 'seen' | 'failed';

export interface ViberReceipt {
  kind: ReceiptKind;
  messageToken: string;
  /** Viber's `desc` of a `failed` callback. */
  detail?: string | null;
}

/** What became of a receipt: applied to its attempt, parked until the send stores its token, or moot. */
export type ReceiptResult = 'applied' | 'pending' | 'ignored';

/**
 * Applies a Viber receipt inside a transaction. Delivered or seen in time ends the cascade; failed
 * sends the SMS at once. A receipt whose token no attempt carries yet raced ahead of the send's
 * response: it is parked and applied when the token is stored (see `applyPendingReceipts`).
 */
export async function applyViberReceipt(manager: EntityManager, receipt: ViberReceipt, now: number): Promise<ReceiptResult> {
  await lockToken(manager, receipt.messageToken);
  const attempt = await findViberAttempt(manager, receipt.messageToken);
  if (!attempt) {
    await execute(manager, 'INSERT INTO pending_receipts (id, message_token, kind, detail, at) VALUES (?, ?, ?, ?, ?)', [
      randomUUID(),
      receipt.messageToken,
      receipt.kind,
      receipt.detail ?? null,
      now,
    ]);
    return 'pending';
  }
  return applyToAttempt(manager, attempt, receipt, now);
}

/** Applies the receipts that arrived before the send's token was stored (usually there are none). */
export async function applyPendingReceipts(manager: EntityManager, attempt: ReceiptTarget, now: number): Promise<ReceiptResult[]> {
  if (!attempt.externalId) return [];
  await lockToken(manager, attempt.externalId);
  const parked = await select<{ id: string; kind: ReceiptKind; detail: string | null }>(
    manager,
    'SELECT id, kind, detail FROM pending_receipts WHERE message_token = ? AND at > ? ORDER BY at',
    [attempt.externalId, now - PENDING_RECEIPT_TTL_MS],
  );
  const results: ReceiptResult[] = [];
  for (const receipt of parked) {
    results.push(await applyToAttempt(manager, attempt, { kind: receipt.kind, messageToken: attempt.externalId, detail: receipt.detail }, now));
    await execute(manager, 'DELETE FROM pending_receipts WHERE id = ?', [receipt.id]);
  }
  return results;
}

/**
 * On PostgreSQL, a receipt and the send that stores its token can run at the same time in two
 * transactions that cannot see each other: the receipt finds no attempt and parks itself, the send
 * finds nothing parked, and the receipt is lost. Both take this lock (held to the end of their
 * transaction) before looking, so whichever comes second sees what the first committed. SQLite runs
 * transactions one at a time and needs nothing.
 */
async function lockToken(manager: EntityManager, token: string): Promise<void> {
  if (dialectOf(manager) === 'postgres') await select(manager, 'SELECT pg_advisory_xact_lock(hashtext(?))', [`viber-token:${token}`]);
}

const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, seen: 3 };

async function applyToAttempt(manager: EntityManager, attempt: ReceiptTarget, receipt: ViberReceipt, now: number): Promise<ReceiptResult> {
  if (attempt.status === 'failed') return 'ignored';
  const event = await loadEvent(manager, attempt.eventId);
  // Only the current cascade's Viber attempt may move the event; a late receipt just fills the timeline.
  const current = event !== null && event.round === attempt.round && event.channel !== 'sms' && event.status !== 'failed';
  const metrics = metricsOf(manager.connection);

  if (receipt.kind === 'failed') {
    // Viber sends `failed` instead of receipts, never after them.
    if (attempt.status === 'delivered' || attempt.status === 'seen') return 'ignored';
    attempt.status = 'failed';
    await updateAttempt(manager, attempt.id, { status: 'failed', detail: `viber failed: ${receipt.detail ?? 'no reason given'}`, at: now });
    metrics.delivery('viber', 'viber', 'failed_receipt');
    if (current && event) {
      metrics.fallback('viber_failed_receipt');
      if (event.status !== 'sending') metrics.eventStatus(event.type, 'sending');
      const moved = await moveWaitingJob(manager, event.id, 'viber_wait', event.round, { step: 'sms', dueAt: now, state: {} }, now);
      // No job at all means the cascade had ended on this attempt: start the SMS step afresh.
      if (!moved && !(await manager.existsBy(Job, { id: event.id }))) {
        await putJob(manager, { id: event.id, round: event.round, step: 'sms', dueAt: now }, now);
      }
      await updateEventStatus(manager, event.id, {
        status: 'sending',
        channel: event.channel,
        reason: `Viber could not deliver (${receipt.detail ?? 'failed'}); sending SMS`,
        at: now,
      });
    }
    return 'applied';
  }

  if (RANK[receipt.kind] <= RANK[attempt.status]) return 'ignored';
  attempt.status = receipt.kind;
  // A late receipt keeps the note of why the cascade did not wait for it, saying it came after all.
  const detail = !current && attempt.detail ? `${receipt.kind} later, after the cascade moved on (${attempt.detail})` : attempt.detail;
  attempt.detail = detail;
  await updateAttempt(manager, attempt.id, { status: receipt.kind, detail, at: now });
  metrics.delivery('viber', 'viber', receipt.kind);
  if (current && event && RANK[receipt.kind] > (RANK[event.status] ?? 4)) {
    metrics.eventStatus(event.type, receipt.kind);
    await updateEventStatus(manager, event.id, { status: receipt.kind, channel: 'viber', reason: null, at: now });
  } else if (event && event.round === attempt.round && event.status === 'failed') {
    // The SMS failed, but the card reached the patient after all: the message did arrive.
    metrics.eventStatus(event.type, receipt.kind);
    await updateEventStatus(manager, event.id, { status: receipt.kind, channel: 'viber', reason: `the SMS had failed (${event.reason ?? 'no reason'}); Viber delivered later`, at: now });
  }
  if (current && event) {
    // The patient has it: stop waiting, and drop an SMS fallback that has not gone out yet.
    await moveWaitingJob(manager, event.id, 'viber_wait', event.round, null, now);
    await moveWaitingJob(manager, event.id, 'sms', event.round, null, now);
  }
  return 'applied';
}
