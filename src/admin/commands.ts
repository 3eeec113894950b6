import type { TFunction } from 'i18next';
import type { EntityManager } from 'typeorm';
import { type ViberMessage, textMessage } from '../channels/viber/cards';
import { type Language, translator } from '../i18n';
import { dateFormat } from '../messages/dates';
import type { DeliveryMetrics } from '../metrics';
import { maskId, maskPhone } from '../privacy';
import { type AuditOutcome, appendAudit, targets } from './audit';
import { type ResendOutcome, resendEvent, staffEventView } from './events';
import { collectStats, type WindowStats } from './stats';
import { staffByViberId } from './staff';
import { findBinding } from './subscribers';
import { EVENT_ID, phoneOf, Problems } from './validate';

export interface StaffCommandDeps {
  now: () => number;
  /** Tells the worker a job is due (after a resend); it looks once the conversation commits. */
  wake: () => void;
  /** A resend puts the event back to `queued`, which the status counter counts. */
  metrics?: Pick<DeliveryMetrics, 'eventStatus'>;
}

/**
 * The staff commands of the Viber bot, run inside the conversation's transaction (`manager`), so
 * that a resend, its audit line and the reply are committed together or not at all.
 * Null for anyone who is not current staff: they get the ordinary patient answer.
 */
export type ViberStaffCommands = (viberId: string, text: string, language: Language, manager: EntityManager) => Promise<ViberMessage[] | null>;

const ACTIONS: Record<string, string> = {
  help: 'command.help',
  stats: 'stats.view',
  find: 'subscriber.find',
  event: 'event.view',
  resend: 'event.resend',
};

/** Viber texts stay well under Viber's 7000-character limit. */
const MAX_TEXT = 4000;
const RECENT_SHOWN = 5;

export function viberStaffCommands(deps: StaffCommandDeps): ViberStaffCommands {
  return async (viberId, text, language, manager) => {
    const now = deps.now();
    const match = /^\/([A-Za-z]+)\s*([\s\S]*)$/.exec(text.trim());
    const command = match ? match[1].toLowerCase() : '';
    const argument = match ? match[2].trim() : '';
    const action = ACTIONS[command] ?? 'command.unknown';
    const member = await staffByViberId(manager, viberId);
    const audit = (actor: string, actorName: string | null, outcome: AuditOutcome, target: string | null, detail: string | null = null) =>
      appendAudit(manager, { via: 'viber', actor, actorName, action, target, outcome, detail }, now);

    if (!member) {
      // Recorded, then answered like any patient message: nothing says that commands exist.
      await audit(`viber:${maskId(viberId)}`, null, 'forbidden', targetOf(command, argument), 'not staff');
      return null;
    }
    const t = translator(language);
    const actor = `staff:${member.id}`;
    const reply = (body: string) => [textMessage(body.length > MAX_TEXT ? `${body.slice(0, MAX_TEXT - 1)}…` : body)];

    switch (command) {
      case 'stats': {
        const stats = await collectStats(manager, now);
        await audit(actor, member.name, 'ok', null);
        return reply(statsText(stats, t));
      }
      case 'find': {
        const problems = new Problems();
        const phone = argument ? phoneOf(problems, 'phone', argument, true) : null;
        if (!phone) {
          await audit(actor, member.name, 'invalid', null, 'no valid phone given');
          return reply(t('staff:find.usage'));
        }
        const lookup = await findBinding(manager, phone);
        await audit(actor, member.name, 'ok', targets.phone(phone));
        return reply(findText(lookup, t, language));
      }
      case 'event': {
        if (!EVENT_ID.test(argument)) {
          await audit(actor, member.name, 'invalid', null, 'no valid event id given');
          return reply(t('staff:event.usage'));
        }
        const view = await staffEventView(manager, argument);
        await audit(actor, member.name, view ? 'ok' : 'not_found', targets.event(argument));
        if (!view) return reply(t('staff:event.not_found', { id: argument }));
        const lines = [
          t('staff:event.summary', {
            id: view.id,
            kind: t(`common:kind.${view.type}`, { defaultValue: view.type }),
            number: view.number ?? t('staff:none'),
            phone: view.phone,
            status: view.status,
            channel: view.channel ?? t('staff:none'),
            round: view.round,
          }),
        ];
        if (view.reason) lines.push(t('staff:event.reason', { reason: view.reason }));
        lines.push(view.attempts.length > 0 ? t('staff:event.attempts') : t('staff:event.no_attempts'));
        for (const attempt of view.attempts.slice(-10)) {
          lines.push(`${shortTime(Date.parse(attempt.updated_at), language)} ${attempt.channel}/${attempt.provider}: ${attempt.status}${attempt.detail ? ` (${attempt.detail})` : ''}`);
        }
        return reply(lines.join('\n'));
      }
      case 'resend': {
        if (!EVENT_ID.test(argument)) {
          await audit(actor, member.name, 'invalid', null, 'no valid event id given');
          return reply(t('staff:resend.usage'));
        }
        const outcome: ResendOutcome = await resendEvent(manager, argument, now);
        await audit(actor, member.name, RESEND_OUTCOMES[outcome.kind], targets.event(argument), outcome.kind === 'resent' ? `round ${outcome.round}` : outcome.kind);
        if (outcome.kind === 'resent') {
          deps.metrics?.eventStatus(outcome.type, 'queued');
          deps.wake();
          return reply(t('staff:resend.resent', { id: argument, round: outcome.round }));
        }
        return reply(t(`staff:resend.${outcome.kind}`, { id: argument, why: outcome.kind === 'busy' ? outcome.why : '' }));
      }
      case 'help':
        await audit(actor, member.name, 'ok', null);
        return reply(t('staff:help'));
      default:
        await audit(actor, member.name, 'invalid', null, `unknown command /${command.slice(0, 20)}`);
        return reply(`${t('staff:unknown', { command: `/${command}` })}\n\n${t('staff:help')}`);
    }
  };
}

const RESEND_OUTCOMES: Record<ResendOutcome['kind'], AuditOutcome> = {
  resent: 'ok',
  not_found: 'not_found',
  no_phone: 'conflict',
  expired: 'conflict',
  no_code: 'conflict',
  busy: 'conflict',
};

/** What a (possibly refused) command aimed at, masked and cut short: its author may be anyone. */
function targetOf(command: string, argument: string): string | null {
  if (!argument) return null;
  if (command === 'find') return `phone:${maskPhone(argument)}`;
  if (command === 'event' || command === 'resend') return targets.event(argument.slice(0, 128));
  return null;
}

function statsText(stats: Awaited<ReturnType<typeof collectStats>>, t: TFunction): string {
  const window = (title: string, w: WindowStats) => {
    const lines = [
      `${title}:`,
      t('staff:stats.events', {
        total: w.events.total,
        viber: w.events.by_channel.viber ?? 0,
        sms: w.events.by_channel.sms ?? 0,
        print: w.events.by_channel.print ?? 0,
        none: w.events.by_channel.none ?? 0,
      }),
      t('staff:stats.delivered', { total: w.deliveries.total, share: w.deliveries.viber_share === null ? t('staff:none') : `${Math.round(w.deliveries.viber_share * 100)} %` }),
      t('staff:stats.fallbacks', { total: w.sms_fallbacks.total }),
      ...w.sms_fallbacks.reasons.slice(0, 3).map((r) => t('staff:stats.reason', { reason: r.reason, count: r.count })),
      t('staff:stats.failures', { total: w.failures.total }),
      ...w.failures.reasons.slice(0, 3).map((r) => t('staff:stats.reason', { reason: r.reason, count: r.count })),
    ];
    return lines.join('\n');
  };
  return [
    window(t('staff:stats.title_today'), stats.today),
    window(t('staff:stats.title_week'), stats.last_7_days),
    t('staff:stats.subscribers', stats.subscribers),
    t('staff:stats.queue', { depth: stats.queue.depth, due: stats.queue.due_now, running: stats.queue.in_progress }),
  ].join('\n\n');
}

function findText(lookup: Awaited<ReturnType<typeof findBinding>>, t: TFunction, language: Language): string {
  const lines: string[] = [];
  const binding = lookup.binding;
  if (binding) {
    lines.push(
      t('staff:find.bound', {
        phone: lookup.phone,
        viber: binding.viber_id,
        verified: binding.verified_at ? shortTime(Date.parse(binding.verified_at), language) : t('staff:none'),
        state: binding.active ? t('staff:find.state_active') : t('staff:find.state_inactive'),
      }),
    );
  } else {
    lines.push(t('staff:find.unbound', { phone: lookup.phone }));
  }
  const recent = lookup.last_deliveries.slice(0, RECENT_SHOWN);
  lines.push(recent.length > 0 ? t('staff:find.recent') : t('staff:find.none'));
  for (const item of recent) {
    lines.push(`${shortTime(Date.parse(item.at), language)} ${item.event_id} · ${t(`common:kind.${item.type}`, { defaultValue: item.type })} · ${item.status}${item.channel ? `/${item.channel}` : ''}`);
  }
  return lines.join('\n');
}

/** "26.11 14:05" in Kyiv time. */
function shortTime(at: number, language: Language): string {
  return dateFormat(language, 'Europe/Kyiv', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(at));
}
