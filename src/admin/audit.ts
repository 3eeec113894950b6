import type { EntityManager } from 'typeorm';
import { AuditEntry, type AuditOutcome, type AuditVia } from '../entities/AuditEntry';
import { maskPhone, maskPhonesInText } from '../privacy';
import type { Actor } from './roles';

export type { AuditOutcome, AuditVia };

/** What one audit line says; `at` is added when it is written. */
export interface AuditRecord {
  via: AuditVia;
  /** `staff:<id>`, `ADMIN_TOKEN`, `cli:<user>`, `viber:<masked id>`, `anonymous`. */
  actor: string;
  actorName?: string | null;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  detail?: string | null;
  source?: string | null;
}

export interface AuditView {
  id: number;
  at: string;
  via: AuditVia;
  actor: string;
  actor_name: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  detail: string | null;
  source: string | null;
}

/** The audit fields that name an actor. */
export function byActor(actor: Actor): Pick<AuditRecord, 'actor' | 'actorName'> {
  return { actor: actor.key, actorName: actor.name };
}

function clean(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined || text === '') return null;
  const flat = maskPhonesInText(text.replace(/[\u0000-\u001f\u007f]+/g, ' '));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Appends one line to the audit log, in the caller's transaction: the action and its record commit together. */
export async function appendAudit(manager: EntityManager, record: AuditRecord, now: number): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(AuditEntry)
    .values({
      at: now,
      via: record.via,
      actor: clean(record.actor, 120) ?? 'anonymous',
      actorName: clean(record.actorName, 100),
      action: clean(record.action, 40) ?? 'unknown',
      target: clean(record.target, 200),
      outcome: record.outcome,
      detail: clean(record.detail, 1000),
      source: clean(record.source, 64),
    })
    .updateEntity(false)
    .execute();
}

/** The newest `limit` audit lines, newest first. */
export async function listAudit(manager: EntityManager, limit: number): Promise<AuditView[]> {
  const entries = await manager.find(AuditEntry, { order: { id: 'DESC' }, take: limit });
  return entries.map((entry) => ({
    id: Number(entry.id),
    at: new Date(entry.at).toISOString(),
    via: entry.via,
    actor: entry.actor,
    actor_name: entry.actorName,
    action: entry.action,
    target: entry.target,
    outcome: entry.outcome,
    detail: entry.detail,
    source: entry.source,
  }));
}

/** The audit target of an event, a staff member or a phone (always masked). */
export const targets = {
  event: (id: string) => `event:${id}`,
  staff: (id: string) => `staff:${id}`,
  phone: (phone: string | null) => `phone:${maskPhone(phone)}`,
};
