import type { EntityManager } from 'typeorm';
import { putJob } from '../delivery/jobs';
import { type EventType, requiresCode } from '../ehealth/event';
import { attemptsOf } from '../delivery/status';
import { EhealthEvent, type EventStatus } from '../entities/EhealthEvent';
import { Job } from '../entities/Job';
import { parseDetails } from '../messages/facts';
import { maskPhone } from '../privacy';

export interface EventFilter {
  status?: EventStatus;
  type?: EventType;
  /** E.164; the one phone shown unmasked in the answer. */
  phone?: string | null;
  limit: number;
}

export interface EventSummary {
  id: string;
  type: string;
  status: EventStatus;
  channel: string | null;
  reason: string | null;
  round: number;
  phone: string;
  third_person: boolean;
  patient_name: string | null;
  number: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StaffAttemptView {
  round: number;
  channel: string;
  provider: string;
  status: string;
  detail: string | null;
  created_at: string;
  updated_at: string;
}

/** What staff see of one event: everything but the code, which only the printed note carries. */
export interface StaffEventView extends EventSummary {
  has_code: boolean;
  /** When retention erased the code, details and patient name; null while they are kept. */
  erased_at: string | null;
  details: Record<string, string>;
  attempts: StaffAttemptView[];
}

/** Events newest first, filtered. Phones are masked, except the one searched for. */
export async function listEvents(manager: EntityManager, filter: EventFilter): Promise<EventSummary[]> {
  const query = manager.createQueryBuilder(EhealthEvent, 'e').orderBy('e.createdAt', 'DESC').addOrderBy('e.id', 'DESC').take(filter.limit);
  if (filter.status) query.andWhere('e.status = :status', { status: filter.status });
  if (filter.type) query.andWhere('e.type = :type', { type: filter.type });
  if (filter.phone) query.andWhere('e.phone = :phone', { phone: filter.phone });
  const events = await query.getMany();
  return events.map((event) => summary(event, filter.phone ?? null));
}

/** One event with its whole attempt timeline (every round), oldest attempt first; null when unknown. */
export async function staffEventView(manager: EntityManager, id: string): Promise<StaffEventView | null> {
  const event = await manager.findOneBy(EhealthEvent, { id });
  if (!event) return null;
  const attempts = await attemptsOf(manager, id);
  return {
    ...summary(event, null),
    has_code: event.code !== null,
    erased_at: event.erasedAt === null ? null : new Date(event.erasedAt).toISOString(),
    details: parseDetails(event.details) as Record<string, string>,
    attempts: attempts.map((attempt) => ({
      round: attempt.round,
      channel: attempt.channel,
      provider: attempt.provider,
      status: attempt.status,
      detail: attempt.detail,
      created_at: new Date(attempt.createdAt).toISOString(),
      updated_at: new Date(attempt.updatedAt).toISOString(),
    })),
  };
}

function summary(event: EhealthEvent, shownPhone: string | null): EventSummary {
  return {
    id: event.id,
    type: event.type,
    status: event.status,
    channel: event.channel,
    reason: event.reason,
    round: event.round,
    phone: event.phone !== null && event.phone === shownPhone ? event.phone : maskPhone(event.phone),
    third_person: event.thirdPerson,
    patient_name: event.patientName,
    number: event.number,
    expires_at: event.expiresAt === null ? null : new Date(event.expiresAt).toISOString(),
    created_at: new Date(event.createdAt).toISOString(),
    updated_at: new Date(event.updatedAt).toISOString(),
  };
}

export type ResendOutcome =
  | { kind: 'resent'; round: number; type: string }
  | { kind: 'not_found' }
  /** No phone: the patient needs the printed note instead. */
  | { kind: 'no_phone' }
  | { kind: 'expired'; expiresAt: number }
  /** A confirmation code that retention already erased: nothing worth sending is left. */
  | { kind: 'no_code' }
  /** A worker is sending this event right now, or another resend won the race or is still queued. */
  | { kind: 'busy'; why: string };

/**
 * Starts a new cascade for the same event (Viber first, then SMS, as at first): the round goes up,
 * the status back to `queued`, and a fresh `dispatch` job replaces whatever step the old cascade was
 * at, which then finds its round stale and stops. A new attempt, not a new event.
 */
export async function resendEvent(manager: EntityManager, id: string, now: number): Promise<ResendOutcome> {
  const event = await manager.findOneBy(EhealthEvent, { id });
  if (!event) return { kind: 'not_found' };
  if (event.phone === null) return { kind: 'no_phone' };
  if (event.expiresAt !== null && event.expiresAt <= now) return { kind: 'expired', expiresAt: event.expiresAt };
  if (event.erasedAt !== null || (event.code === null && requiresCode(event.type as EventType))) return { kind: 'no_code' };
  // A held job is mid-send: replacing it now could put two messages on the patient's phone.
  const job = await manager.findOneBy(Job, { id });
  if (job && job.lockedUntil !== null && job.lockedUntil > now) return { kind: 'busy', why: 'it is being sent right now' };
  // Several resends at once (a double click, two operators): the first is queued, the others would
  // each replace it with a round that never sends anything. Once it went out, a resend is a new
  // request to send again (staff may resend on purpose a moment later), so no time window applies.
  if (event.round > 0 && event.status === 'queued') return { kind: 'busy', why: 'the last resend of it is still queued' };

  const round = event.round + 1;
  const updated = await manager
    .createQueryBuilder()
    .update(EhealthEvent)
    .set({ round, status: 'queued', channel: null, reason: null, updatedAt: now })
    .where('id = :id AND round = :old', { id, old: event.round })
    .execute();
  if (!updated.affected) return { kind: 'busy', why: 'another resend of it won' };
  await putJob(manager, { id, round, step: 'dispatch', dueAt: now }, now);
  return { kind: 'resent', round, type: event.type };
}
