import type { EntityManager } from 'typeorm';
import { unbindPhone } from '../bot/binding';
import { queueNotices } from '../bot/conversation';
import { askForPhone, displayPhone } from '../bot/replies';
import { EhealthEvent } from '../entities/EhealthEvent';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import { languageFor, translator } from '../i18n';
import { maskId } from '../privacy';

/** How many recent events a binding look-up lists. */
const RECENT_DELIVERIES = 10;

export interface BindingView {
  viber_id: string;
  verified_at: string | null;
  /** Messages go to Viber now: verified, subscribed to the bot and not opted out. */
  active: boolean;
  subscribed: boolean;
  opted_out: boolean;
}

export interface SubscriberLookup {
  phone: string;
  binding: BindingView | null;
  last_deliveries: Array<{ event_id: string; type: string; status: string; channel: string | null; at: string }>;
}

/** The Viber binding of a phone (Viber id masked) and what was last sent to it. */
export async function findBinding(manager: EntityManager, phone: string): Promise<SubscriberLookup> {
  const subscriber = await manager.findOne(ViberSubscriber, { where: { phone }, order: { verifiedAt: 'DESC' } });
  const events = await manager.find(EhealthEvent, { where: { phone }, order: { createdAt: 'DESC', id: 'DESC' }, take: RECENT_DELIVERIES });
  return {
    phone,
    binding: subscriber
      ? {
          viber_id: maskId(subscriber.viberId),
          verified_at: subscriber.verifiedAt === null ? null : new Date(subscriber.verifiedAt).toISOString(),
          active: subscriber.verifiedAt !== null && subscriber.active && !subscriber.optedOut,
          subscribed: subscriber.active,
          opted_out: subscriber.optedOut,
        }
      : null,
    last_deliveries: events.map((event) => ({
      event_id: event.id,
      type: event.type,
      status: event.status,
      channel: event.channel,
      at: new Date(event.updatedAt).toISOString(),
    })),
  };
}

/**
 * Ends the binding of a phone: from now on its messages go by SMS. The Viber users who had it are
 * told in their chat (queued in the same transaction) when `notify` is set, i.e. when Viber is on.
 * Null when the phone has no binding.
 */
export async function endBinding(manager: EntityManager, phone: string, now: number, notify: boolean): Promise<{ ended: number; notified: number } | null> {
  const bound = await unbindPhone(manager, phone, now);
  if (bound.length === 0) return null;
  const reachable = notify ? bound.filter((subscriber) => subscriber.active) : [];
  await queueNotices(
    manager,
    reachable.map((subscriber) => {
      const t = translator(languageFor(subscriber.language));
      return { to: subscriber.viberId, message: askForPhone(t('bot:unbound_by_staff', { phone: displayPhone(phone) }), t) };
    }),
    now,
  );
  return { ended: bound.length, notified: reachable.length };
}
