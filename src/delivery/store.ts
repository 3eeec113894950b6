import type { EntityManager } from 'typeorm';
import { epoch, execute, flag, select } from '../db/sql';
import { maskPhonesInText } from '../privacy';
import type { AttemptStatus } from '../entities/DeliveryAttempt';
import { type Channel, EhealthEvent, type EventStatus } from '../entities/EhealthEvent';

/**
 * The cascade's reads and writes, in plain SQL (see db/sql.ts for why): each one runs once or twice
 * per message, so they are the worker's hot path.
 */

const EVENT_COLUMNS =
  'id, type, phone, third_person, patient_id, patient_name, number, code, expires_at, details, fingerprint, status, channel, reason, round, created_at, updated_at';

export async function loadEvent(manager: EntityManager, id: string): Promise<EhealthEvent | null> {
  const [row] = await select(manager, `SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, [id]);
  if (!row) return null;
  return Object.assign(new EhealthEvent(), {
    id: String(row.id),
    type: String(row.type),
    phone: (row.phone as string | null) ?? null,
    thirdPerson: flag(row.third_person),
    patientId: (row.patient_id as string | null) ?? null,
    patientName: (row.patient_name as string | null) ?? null,
    number: (row.number as string | null) ?? null,
    code: (row.code as string | null) ?? null,
    expiresAt: epoch(row.expires_at),
    details: (row.details as string | null) ?? null,
    fingerprint: String(row.fingerprint),
    status: row.status as EventStatus,
    channel: (row.channel as Channel | null) ?? null,
    reason: (row.reason as string | null) ?? null,
    round: Number(row.round),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

export async function updateEventStatus(
  manager: EntityManager,
  id: string,
  change: { status: EventStatus; channel: Channel | null; reason: string | null; at: number },
): Promise<void> {
  await execute(manager, 'UPDATE events SET status = ?, channel = ?, reason = ?, updated_at = ? WHERE id = ?', [
    change.status,
    change.channel,
    masked(change.reason),
    change.at,
    id,
  ]);
}

export interface ViberRecipient {
  viberId: string;
  language: string | null;
}

/** The Viber user a phone's messages go to: verified, subscribed and not opted out (the latest verified). */
export async function findViberRecipient(manager: EntityManager, phone: string): Promise<ViberRecipient | null> {
  const [row] = await select<{ viber_id: string; language: string | null }>(
    manager,
    `SELECT viber_id, language FROM viber_subscribers
      WHERE phone = ? AND active = ? AND opted_out = ? AND verified_at IS NOT NULL
      ORDER BY verified_at DESC LIMIT 1`,
    [phone, true, false],
  );
  return row ? { viberId: row.viber_id, language: row.language } : null;
}

/** Viber says this user can no longer be reached (not registered, not subscribed). */
export async function deactivateSubscriber(manager: EntityManager, viberId: string, now: number): Promise<void> {
  await execute(manager, 'UPDATE viber_subscribers SET active = ?, updated_at = ? WHERE viber_id = ?', [false, now, viberId]);
}

export interface NewAttempt {
  id: string;
  eventId: string;
  round: number;
  channel: Channel;
  provider: string;
  recipientId?: string | null;
  now: number;
}

export async function insertAttempt(manager: EntityManager, attempt: NewAttempt): Promise<void> {
  await execute(
    manager,
    `INSERT INTO delivery_attempts (id, event_id, round, channel, provider, status, detail, external_id, recipient_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'sending', NULL, NULL, ?, ?, ?)`,
    [attempt.id, attempt.eventId, attempt.round, attempt.channel, attempt.provider, attempt.recipientId ?? null, attempt.now, attempt.now],
  );
}

export interface AttemptRow {
  id: string;
  provider: string;
  status: AttemptStatus;
  detail: string | null;
  /** The Viber user a card went to. */
  recipientId: string | null;
}

export async function loadAttempt(manager: EntityManager, id: string): Promise<AttemptRow | null> {
  const [row] = await select<AttemptRow>(manager, 'SELECT id, provider, status, detail, recipient_id AS "recipientId" FROM delivery_attempts WHERE id = ?', [id]);
  return row ?? null;
}

/** Ends the attempts of the event's current round still marked 'sending' (sends a crash cut short) as failed. */
export async function abandonSendingAttempts(manager: EntityManager, event: { id: string; round: number }, detail: string, now: number): Promise<void> {
  await execute(manager, "UPDATE delivery_attempts SET status = 'failed', detail = ?, updated_at = ? WHERE event_id = ? AND round = ? AND status = 'sending'", [
    detail,
    now,
    event.id,
    event.round,
  ]);
}

/** Sets an attempt's status and detail, and its provider id when one is given. */
export async function updateAttempt(
  manager: EntityManager,
  id: string,
  update: { status: AttemptStatus; detail: string | null; externalId?: string | null; at: number },
): Promise<void> {
  const change = { ...update, detail: masked(update.detail) };
  if (change.externalId) {
    await execute(manager, 'UPDATE delivery_attempts SET status = ?, detail = ?, external_id = ?, updated_at = ? WHERE id = ?', [
      change.status,
      change.detail,
      change.externalId,
      change.at,
      id,
    ]);
    return;
  }
  await execute(manager, 'UPDATE delivery_attempts SET status = ?, detail = ?, updated_at = ? WHERE id = ?', [change.status, change.detail, change.at, id]);
}

/** A Viber attempt as a receipt needs it. */
export interface ReceiptTarget {
  id: string;
  eventId: string;
  round: number;
  status: AttemptStatus;
  detail: string | null;
  externalId: string | null;
}

/** The Viber attempt that carries this exact message token. */
export async function findViberAttempt(manager: EntityManager, messageToken: string): Promise<ReceiptTarget | null> {
  const [row] = await select<{ id: string; event_id: string; round: number | string; status: AttemptStatus; detail: string | null; external_id: string | null }>(
    manager,
    `SELECT id, event_id, round, status, detail, external_id FROM delivery_attempts WHERE external_id = ? AND channel = 'viber' LIMIT 1`,
    [messageToken],
  );
  return row ? { id: row.id, eventId: row.event_id, round: Number(row.round), status: row.status, detail: row.detail, externalId: row.external_id } : null;
}

/** Reasons and details quote providers, who may repeat the phone number: staff views show them. */
function masked(text: string | null): string | null {
  return text === null ? null : maskPhonesInText(text);
}
