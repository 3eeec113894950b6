import { randomUUID } from 'node:crypto';
import { MoreThan, type EntityManager } from 'typeorm';
import { DeliveryAttempt } from '../entities/DeliveryAttempt';
import { EhealthEvent } from '../entities/EhealthEvent';
import { Job } from '../entities/Job';
import { PendingReceipt } from '../entities/PendingReceipt';
import { moveWaitingJob, putJob } from './jobs';

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
  const attempt = await manager.findOneBy(DeliveryAttempt, { channel: 'viber', externalId: receipt.messageToken });
  if (!attempt) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(PendingReceipt)
      .values({ id: randomUUID(), messageToken: receipt.messageToken, kind: receipt.kind, detail: receipt.detail ?? null, at: now })
      .updateEntity(false)
      .execute();
    return 'pending';
  }
  return applyToAttempt(manager, attempt, receipt, now);
}

/** Applies the receipts that arrived before the send's token was stored. */
export async function applyPendingReceipts(manager: EntityManager, attempt: DeliveryAttempt, now: number): Promise<ReceiptResult[]> {
  if (!attempt.externalId) return [];
  const parked = await manager.find(PendingReceipt, {
    where: { messageToken: attempt.externalId, at: MoreThan(now - PENDING_RECEIPT_TTL_MS) },
    order: { at: 'ASC' },
  });
  const results: ReceiptResult[] = [];
  for (const receipt of parked) {
    results.push(await applyToAttempt(manager, attempt, { kind: receipt.kind, messageToken: receipt.messageToken, detail: receipt.detail }, now));
    await manager.delete(PendingReceipt, { id: receipt.id });
  }
  return results;
}

const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, seen: 3 };

async function applyToAttempt(manager: EntityManager, attempt: DeliveryAttempt, receipt: ViberReceipt, now: number): Promise<ReceiptResult> {
  if (attempt.status === 'failed') return 'ignored';
  const event = await manager.findOneBy(EhealthEvent, { id: attempt.eventId });
  // Only the current cascade's Viber attempt may move the event; a late receipt just fills the timeline.
  const current = event !== null && event.round === attempt.round && event.channel !== 'sms' && event.status !== 'failed';

  if (receipt.kind === 'failed') {
    // Viber sends `failed` instead of receipts, never after them.
    if (attempt.status === 'delivered' || attempt.status === 'seen') return 'ignored';
    attempt.status = 'failed';
    attempt.detail = `viber failed: ${receipt.detail ?? 'no reason given'}`;
    attempt.updatedAt = now;
    await manager.save(attempt);
    if (current && event) {
      const moved = await moveWaitingJob(manager, event.id, 'viber_wait', event.round, { step: 'sms', dueAt: now, state: {} }, now);
      // No job at all means the cascade had ended on this attempt: start the SMS step afresh.
      if (!moved && !(await manager.existsBy(Job, { id: event.id }))) {
        await putJob(manager, { id: event.id, round: event.round, step: 'sms', dueAt: now }, now);
      }
      event.status = 'sending';
      event.reason = `Viber could not deliver (${receipt.detail ?? 'failed'}); sending SMS`;
      event.updatedAt = now;
      await manager.save(event);
    }
    return 'applied';
  }

  if (RANK[receipt.kind] <= RANK[attempt.status]) return 'ignored';
  attempt.status = receipt.kind;
  attempt.updatedAt = now;
  await manager.save(attempt);
  if (current && event && RANK[receipt.kind] > (RANK[event.status] ?? 4)) {
    event.status = receipt.kind;
    event.channel = 'viber';
    event.reason = null;
    event.updatedAt = now;
    await manager.save(event);
  }
  if (current && event) {
    // The patient has it: stop waiting, and drop an SMS fallback that has not gone out yet.
    await moveWaitingJob(manager, event.id, 'viber_wait', event.round, null, now);
    await moveWaitingJob(manager, event.id, 'sms', event.round, null, now);
  }
  return 'applied';
}
