import type { EntityManager } from 'typeorm';
import { DeliveryAttempt } from '../entities/DeliveryAttempt';
import { EhealthEvent } from '../entities/EhealthEvent';
import { Job } from '../entities/Job';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import { maskPhonesInText } from '../privacy';

const DAY_MS = 24 * 3600_000;
const REACHED = new Set(['sent', 'delivered', 'seen']);

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface WindowStats {
  since: string;
  events: {
    total: number;
    by_type: Record<string, number>;
    by_status: Record<string, number>;
    /** `none` for events not sent yet (or never: expired before sending). */
    by_channel: Record<string, number>;
  };
  /** Events that reached the patient (sent, delivered or seen), and on which channel. */
  deliveries: { total: number; viber: number; sms: number; viber_share: number | null };
  /** Viber attempts followed by an SMS for the same cascade, grouped by what went wrong on Viber. */
  sms_fallbacks: { total: number; reasons: ReasonCount[] };
  /** Events that ended `failed`, grouped by why. */
  failures: { total: number; reasons: ReasonCount[] };
}

export interface Stats {
  generated_at: string;
  /** Since midnight in Kyiv. */
  today: WindowStats;
  /** Since midnight in Kyiv six days ago: today and the six days before. */
  last_7_days: WindowStats;
  subscribers: { active: number; verified: number; opted_out: number; unsubscribed: number };
  /**
   * Jobs waiting (for their time or a worker), by step; those a worker holds right now are `in_progress` only
   * (the staff command being answered is one).
   */
  queue: { depth: number; due_now: number; in_progress: number; by_step: Record<string, number>; oldest_due_at: string | null };
}

/** The figures staff look at: today, the last 7 days, subscribers and the outbox. Read-only. */
export async function collectStats(manager: EntityManager, now: number): Promise<Stats> {
  const today = kyivMidnight(now, 0);
  const week = kyivMidnight(now, 6);
  return {
    generated_at: new Date(now).toISOString(),
    today: await windowStats(manager, today),
    last_7_days: await windowStats(manager, week),
    subscribers: await subscriberStats(manager),
    queue: await queueStats(manager, now),
  };
}

async function windowStats(manager: EntityManager, since: number): Promise<WindowStats> {
  const rows: Array<{ type: string; status: string; channel: string | null; n: string | number }> = await manager
    .createQueryBuilder(EhealthEvent, 'e')
    .select('e.type', 'type')
    .addSelect('e.status', 'status')
    .addSelect('e.channel', 'channel')
    .addSelect('COUNT(*)', 'n')
    .where('e.createdAt >= :since', { since })
    .groupBy('e.type')
    .addGroupBy('e.status')
    .addGroupBy('e.channel')
    .getRawMany();
  const events = { total: 0, by_type: {} as Record<string, number>, by_status: {} as Record<string, number>, by_channel: {} as Record<string, number> };
  const deliveries = { total: 0, viber: 0, sms: 0, viber_share: null as number | null };
  for (const row of rows) {
    const n = Number(row.n);
    const channel = row.channel ?? 'none';
    events.total += n;
    events.by_type[row.type] = (events.by_type[row.type] ?? 0) + n;
    events.by_status[row.status] = (events.by_status[row.status] ?? 0) + n;
    events.by_channel[channel] = (events.by_channel[channel] ?? 0) + n;
    if (REACHED.has(row.status) && (channel === 'viber' || channel === 'sms')) {
      deliveries.total += n;
      deliveries[channel] += n;
    }
  }
  if (deliveries.total > 0) deliveries.viber_share = Math.round((deliveries.viber / deliveries.total) * 1000) / 1000;

  // One pass over the window's attempts, grouped per cascade (event and round): a fallback is a
  // cascade with both a Viber and an SMS attempt. No join, so no plan that depends on which index
  // the database happens to prefer.
  const fallbackRows: Array<{ detail: string | null; n: string | number }> = await manager
    .createQueryBuilder()
    .select('r.detail', 'detail')
    .addSelect('COUNT(*)', 'n')
    .from(
      (cascades) =>
        cascades
          .select('a.event_id', 'event_id')
          .addSelect('MAX(CASE WHEN a.channel = :viber THEN a.detail END)', 'detail')
          .addSelect('SUM(CASE WHEN a.channel = :viber THEN 1 ELSE 0 END)', 'viber')
          .addSelect('SUM(CASE WHEN a.channel = :sms THEN 1 ELSE 0 END)', 'sms')
          .from(DeliveryAttempt, 'a')
          .where('a.created_at >= :since')
          .groupBy('a.event_id')
          .addGroupBy('a.round'),
      'r',
    )
    .where('r.viber > 0 AND r.sms > 0')
    .groupBy('r.detail')
    .setParameters({ viber: 'viber', sms: 'sms', since })
    .getRawMany();

  const failureRows: Array<{ reason: string | null; n: string | number }> = await manager
    .createQueryBuilder(EhealthEvent, 'e')
    .select('e.reason', 'reason')
    .addSelect('COUNT(*)', 'n')
    .where('e.createdAt >= :since AND e.status = :failed', { since, failed: 'failed' })
    .groupBy('e.reason')
    .getRawMany();

  return {
    since: new Date(since).toISOString(),
    events,
    deliveries,
    sms_fallbacks: tally(fallbackRows.map((row) => ({ reason: fallbackReason(row.detail), n: Number(row.n) }))),
    failures: tally(failureRows.map((row) => ({ reason: failureReason(row.reason), n: Number(row.n) }))),
  };
}

function tally(rows: Array<{ reason: string; n: number }>): { total: number; reasons: ReasonCount[] } {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.reason, (counts.get(row.reason) ?? 0) + row.n);
  const reasons = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { total: reasons.reduce((sum, r) => sum + r.count, 0), reasons };
}

/**
 * Why Viber fell back to SMS, from the Viber attempt's detail, with the variable parts dropped so
 * that alike reasons add up: "try 2: viber unreachable: ECONNRESET" → "viber unreachable".
 */
export function fallbackReason(detail: string | null): string {
  if (!detail) return 'no reason recorded';
  const text = detail.replace(/^try \d+: /, '');
  if (/^no delivered receipt within/.test(text)) return 'no delivered receipt in time';
  return withoutPhones(text.split(':')[0].trim()) || 'no reason recorded';
}

/** Why an event failed, up to the first ";" (the rest lists each retry). */
export function failureReason(reason: string | null): string {
  if (!reason) return 'no reason recorded';
  const first = reason.split(';')[0].trim();
  return withoutPhones(first.length > 160 ? `${first.slice(0, 159)}…` : first);
}

/** A reason with any phone in it (a provider repeating the number) as "[number]", so alike reasons add up. */
function withoutPhones(text: string): string {
  return maskPhonesInText(text).replace(/\+\d{3}\*+\d{2}/g, '[number]');
}

async function subscriberStats(manager: EntityManager): Promise<Stats['subscribers']> {
  const rows: Array<{ active: unknown; opted: unknown; n: string | number }> = await manager
    .createQueryBuilder(ViberSubscriber, 's')
    .select('s.active', 'active')
    .addSelect('s.optedOut', 'opted')
    .addSelect('COUNT(*)', 'n')
    .where('s.verifiedAt IS NOT NULL AND s.phone IS NOT NULL')
    .groupBy('s.active')
    .addGroupBy('s.optedOut')
    .getRawMany();
  const result = { active: 0, verified: 0, opted_out: 0, unsubscribed: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    const active = truthy(row.active);
    const opted = truthy(row.opted);
    result.verified += n;
    if (active && !opted) result.active += n;
    if (opted) result.opted_out += n;
    if (!active) result.unsubscribed += n;
  }
  return result;
}

async function queueStats(manager: EntityManager, now: number): Promise<Stats['queue']> {
  const held = '(j.locked_until IS NOT NULL AND j.locked_until > :now)';
  const rows: Array<{ step: string; n: string | number; due: string | number | null; held: string | number | null; oldest: string | number | null }> = await manager
    .createQueryBuilder(Job, 'j')
    .select('j.step', 'step')
    .addSelect(`SUM(CASE WHEN ${held} THEN 0 ELSE 1 END)`, 'n')
    .addSelect(`SUM(CASE WHEN j.due_at <= :now AND NOT ${held} THEN 1 ELSE 0 END)`, 'due')
    .addSelect(`SUM(CASE WHEN ${held} THEN 1 ELSE 0 END)`, 'held')
    .addSelect(`MIN(CASE WHEN ${held} THEN NULL ELSE j.due_at END)`, 'oldest')
    .setParameter('now', now)
    .groupBy('j.step')
    .getRawMany();
  const byStep: Record<string, number> = {};
  let depth = 0;
  let due = 0;
  let inProgress = 0;
  let oldest: number | null = null;
  for (const row of rows) {
    const n = Number(row.n ?? 0);
    if (n > 0) byStep[row.step] = n;
    depth += n;
    due += Number(row.due ?? 0);
    inProgress += Number(row.held ?? 0);
    if (row.oldest !== null) oldest = Math.min(oldest ?? Infinity, Number(row.oldest));
  }
  return { depth, due_now: due, in_progress: inProgress, by_step: byStep, oldest_due_at: oldest === null ? null : new Date(oldest).toISOString() };
}

/** SQLite answers booleans as 0/1, PostgreSQL as true/false. */
function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/** The UTC instant at which the Kyiv calendar day `daysBack` days before `now`'s began. */
export function kyivMidnight(now: number, daysBack: number): number {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(now))
    .split('-')
    .map(Number);
  const midnightUtc = Date.UTC(year, month - 1, day - daysBack);
  // Kyiv is ahead of UTC by 2 or 3 hours; take the offset in force at that midnight (twice: DST edges).
  let at = midnightUtc - kyivOffset(midnightUtc);
  at = midnightUtc - kyivOffset(at);
  return at;
}

function kyivOffset(at: number): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Kyiv',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}
