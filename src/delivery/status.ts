import type { EntityManager } from 'typeorm';
import { DeliveryAttempt } from '../entities/DeliveryAttempt';
import { EhealthEvent } from '../entities/EhealthEvent';

export interface AttemptView {
  channel: string;
  provider: string;
  /** The cascade the attempt belongs to: 0 first, then one per staff resend. */
  round: number;
  status: string;
  /** When the attempt was made. */
  at: string;
  /** When its status last changed (a receipt, a report, the timeout). */
  updated_at: string;
  detail: string | null;
}

export interface EventView {
  id: string;
  type: string;
  status: string;
  channel: string | null;
  reason: string | null;
  round: number;
  created_at: string;
  updated_at: string;
  attempts: AttemptView[];
}

/** An event's attempts over every round, oldest first (the id breaks ties within a millisecond). */
export function attemptsOf(manager: EntityManager, eventId: string): Promise<DeliveryAttempt[]> {
  return manager.find(DeliveryAttempt, { where: { eventId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** The delivery state of one event with its attempt timeline, oldest attempt first. */
export async function eventView(manager: EntityManager, id: string): Promise<EventView | null> {
  const event = await manager.findOneBy(EhealthEvent, { id });
  if (!event) return null;
  const attempts = await attemptsOf(manager, id);
  return {
    id: event.id,
    type: event.type,
    status: event.status,
    channel: event.channel,
    reason: event.reason,
    round: event.round,
    created_at: new Date(event.createdAt).toISOString(),
    updated_at: new Date(event.updatedAt).toISOString(),
    attempts: attempts.map((attempt) => ({
      channel: attempt.channel,
      provider: attempt.provider,
      round: attempt.round,
      status: attempt.status,
      at: new Date(attempt.createdAt).toISOString(),
      updated_at: new Date(attempt.updatedAt).toISOString(),
      detail: attempt.detail,
    })),
  };
}
