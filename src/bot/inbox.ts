import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { putJob } from '../delivery/jobs';
import { applyViberReceipt, hurryWaitsForUnsubscribed, type ReceiptKind } from '../delivery/receipts';
import { ViberCallback } from '../entities/ViberCallback';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import type { Logger } from '../logger';
import { maskId } from '../privacy';
import type { ViberCallbackHandler } from '../routes/viber';
import { FloodGuard } from './flood';
import type { ViberUser } from './types';

export interface InboxDeps {
  db: Database;
  logger: Logger;
  /** Builds the welcome for `conversation_started`, fresh for each request. */
  welcome(user: ViberUser, subscribed: boolean): Promise<object>;
  /** Something is due now in the outbox. */
  wake(): void;
  now?: () => number;
  flood?: FloodGuard;
}

/**
 * Takes Viber's callbacks. Receipts and (un)subscriptions are applied at once; a user's message is
 * stored as a job (deduplicated by its `message_token`, since Viber retries) and answered from the
 * outbox, so the webhook replies fast and nothing is lost if the process dies after the 200.
 */
export class ViberInbox implements ViberCallbackHandler {
  private readonly now: () => number;
  private readonly flood: FloodGuard;

  constructor(private readonly deps: InboxDeps) {
    this.now = deps.now ?? Date.now;
    this.flood = deps.flood ?? new FloodGuard();
  }

  async handle(callback: Record<string, unknown>): Promise<object | null> {
    const event = String(callback.event);
    switch (event) {
      case 'delivered':
      case 'seen':
      case 'failed':
        await this.receipt(event, callback);
        return null;
      case 'subscribed':
        await this.subscribed(readUser(callback.user));
        return null;
      case 'unsubscribed':
        await this.unsubscribed(scalar(callback.user_id) ?? '');
        return null;
      case 'conversation_started': {
        const user = readUser(callback.user);
        if (!user) return null;
        // Viber says the user is subscribed (a `subscribed` callback we never got, say): reachable again.
        if (callback.subscribed === true) await this.subscribed(user);
        return this.deps.welcome(user, callback.subscribed === true);
      }
      case 'message':
        await this.message(callback);
        return null;
      default:
        // `webhook` (the set_webhook check), `client_status` and anything newer: acknowledged.
        return null;
    }
  }

  private async receipt(kind: ReceiptKind, callback: Record<string, unknown>): Promise<void> {
    const token = scalar(callback.message_token);
    if (token === null) return;
    const result = await this.deps.db.tx((manager) =>
      applyViberReceipt(manager, { kind, messageToken: token, detail: typeof callback.desc === 'string' ? callback.desc : null }, this.now()),
    );
    if (kind === 'failed' && result === 'applied') this.deps.wake();
  }

  private async subscribed(user: ViberUser | null): Promise<void> {
    if (!user) return;
    await this.deps.db.tx((manager) => upsertSubscriber(manager, user, this.now()));
  }

  private async unsubscribed(viberId: string): Promise<void> {
    if (!viberId) return;
    const hurried = await this.deps.db.tx(async (manager) => {
      await manager.update(ViberSubscriber, { viberId }, { active: false, updatedAt: this.now() });
      return hurryWaitsForUnsubscribed(manager, viberId, this.now());
    });
    if (hurried > 0) this.deps.wake();
    this.deps.logger.info({ viber: maskId(viberId), hurried }, 'viber user unsubscribed: SMS from now on');
  }

  private async message(callback: Record<string, unknown>): Promise<void> {
    const sender = readUser(callback.sender);
    const token = scalar(callback.message_token);
    if (!sender || token === null) return;
    const verdict = this.flood.check(sender.id, this.now(), token);
    if (verdict === 'drop') return;
    const key = `message:${token}`;
    const stored = await this.deps.db.tx(async (manager) => {
      if (await manager.findOneBy(ViberCallback, { key })) return false;
      await manager.insert(ViberCallback, { key, at: this.now() });
      // A message subscribes the user: a verified one is reachable on Viber again without a new code.
      await upsertSubscriber(manager, sender, this.now());
      await putJob(
        manager,
        {
          id: `vmsg:${token}`,
          round: 0,
          step: 'viber_message',
          dueAt: this.now(),
          state: { sender, message: verdict === 'warn' ? { type: 'flood' } : callback.message ?? {}, token },
        },
        this.now(),
      );
      return true;
    });
    if (stored) this.deps.wake();
  }
}

/** Creates the subscriber or marks them subscribed again, refreshing name and language. */
export async function upsertSubscriber(manager: EntityManager, user: ViberUser, now: number): Promise<void> {
  const existing = await manager.findOneBy(ViberSubscriber, { viberId: user.id });
  if (existing) {
    await manager.update(
      ViberSubscriber,
      { viberId: user.id },
      {
        active: true,
        name: user.name ?? existing.name,
        language: user.language ?? existing.language,
        apiVersion: user.apiVersion ?? existing.apiVersion,
        updatedAt: now,
      },
    );
    return;
  }
  await manager.insert(ViberSubscriber, {
    viberId: user.id,
    name: user.name,
    language: user.language,
    apiVersion: user.apiVersion,
    phone: null,
    verifiedAt: null,
    active: true,
    optedOut: false,
    createdAt: now,
    updatedAt: now,
  });
}

/**
 * A token or an id as text: Viber sends them as numbers (kept exact as strings by the parser) or
 * strings. Anything else (an object, an array) is not one, whoever signed it.
 */
function scalar(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 && value.length <= 64 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Reads Viber's user object (`user` or `sender`), or null when it has no id. */
export function readUser(value: unknown): ViberUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const user = value as Record<string, unknown>;
  if (typeof user.id !== 'string' || user.id.length === 0 || user.id.length > 64) return null;
  return {
    id: user.id,
    name: typeof user.name === 'string' ? user.name.slice(0, 100) : null,
    language: typeof user.language === 'string' ? user.language.slice(0, 10) : null,
    apiVersion: typeof user.api_version === 'number' ? user.api_version : null,
  };
}
