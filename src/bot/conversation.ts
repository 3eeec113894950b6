import { randomUUID } from 'node:crypto';
import type { TFunction } from 'i18next';
import { type EntityManager, In } from 'typeorm';
import { forClient, type ViberMessage } from '../channels/viber/cards';
import type { Database } from '../db/database';
import { DOCUMENT_NUMBER_IN_TEXT, isUkrainianLandline, normalizePhone } from '../ehealth/formats';
import { type ClaimedJob, type JobQueue, putJob } from '../delivery/jobs';
import type { ViberSendOutcome } from '../delivery/ports';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import { type Language, LANGUAGES, languageFor, translator } from '../i18n';
import type { Logger } from '../logger';
import { formatClock, formatDayMonth } from '../messages/dates';
import type { IntentClassifier } from '../nlu/classifier';
import type { Intent } from '../nlu/intents';
import { channelWish } from '../nlu/sms-stop';
import { maskId, maskPhone } from '../privacy';
import { answerText, recentEvents } from './answers';
import { CLAIM_RULES, type ClaimCheck, type ClaimStart, checkClaimCode, pendingClaim, startClaim } from './binding';
import { askForPhone, displayPhone, resumeKeyboard, stopConfirmation, withMenu } from './replies';
import type { ViberUser } from './types';

/** A message to send: to the user who wrote, or to someone else (the phone's previous owner). */
export interface Reply {
  to: string;
  message: ViberMessage;
}

/**
 * Staff commands in Viber (`/stats`…): null when the sender is not staff, so they get the patient answer.
 * They run in the conversation's transaction (`manager`): a command that writes (a resend, its audit
 * line) must not open a transaction of its own, which on SQLite would wait forever behind this one.
 */
export type StaffCommands = (viberId: string, text: string, language: Language, manager: EntityManager) => Promise<ViberMessage[] | null>;

export interface ConversationDeps {
  db: Database;
  queue: JobQueue;
  send(receiverId: string, message: ViberMessage): Promise<ViberSendOutcome>;
  classifier: Promise<IntentClassifier>;
  logger: Logger;
  now: () => number;
  staffCommands?: StaffCommands;
}

/** Tries to send a reply before giving up on it: replies are not worth an SMS, but worth a retry. */
const REPLY_TRIES = 3;

/** "Не прийшов код", "де смс?", "нема коду", "didn't get the code": the claim SMS has not arrived. */
const CODE_NOT_RECEIVED = /не\s*(?:прийш|приход|дійш|отрима|одержа|получ|пришл|пришел|пришёл)|нема[єе]?\s|немає|нету|де\s+(?:код|смс|sms)|где\s+(?:код|смс|sms)|(?:didn.?t|did not|not)\s+(?:get|receive|come)|no\s+(?:sms|code)/iu;

const YES = /^(так|да|yes|y|ок|ok|ага|угу|звісно|підтверджую)[!.]*$/iu;
const NO = /^(ні|нет|no|n|не треба|не надо|скасувати)[!.]*$/iu;

/**
 * The patient's side of the bot, run from the outbox for each stored message. It works in two
 * phases: first the decision and its effects on the database, with the replies, in one transaction;
 * then the replies are sent (and retried) without deciding again. So a retry never, say, checks a
 * code twice.
 */
export class Conversation {
  constructor(private readonly deps: ConversationDeps) {}

  /** The job step that answers a stored message or sends queued notices. */
  async handleMessageJob(job: ClaimedJob): Promise<void> {
    let replies = Array.isArray(job.state.replies) ? (job.state.replies as Reply[]) : null;
    if (!replies) {
      replies = await this.deps.db.tx(async (manager) => {
        const decided = await this.decide(manager, job.state.sender as ViberUser, (job.state.message ?? {}) as Record<string, unknown>);
        await this.deps.queue.checkpoint(manager, job.id, { replies: decided, tries: 0 });
        return decided;
      });
    }
    const unsent: Reply[] = [];
    const versions = await apiVersionsOf(this.deps.db.manager, replies.map((reply) => reply.to));
    for (const reply of replies) {
      const outcome = await this.deps.send(reply.to, forClient(reply.message, versions.get(reply.to) ?? null));
      if (outcome.kind === 'unreachable') unsent.push(reply);
      else if (outcome.kind === 'refused') this.deps.logger.warn({ viber: maskId(reply.to), reason: outcome.reason }, 'viber refused a bot reply');
    }
    const tries = Number(job.state.tries ?? 0) + 1;
    await this.deps.db.tx(async (manager) => {
      if (unsent.length === 0 || tries >= REPLY_TRIES) {
        if (unsent.length > 0) this.deps.logger.warn({ count: unsent.length }, 'gave up on bot replies: Viber unreachable');
        await this.deps.queue.finish(manager, job.id);
      } else {
        await this.deps.queue.advance(manager, job.id, { step: 'viber_message', dueAt: this.deps.now() + 2000 * tries, state: { replies: unsent, tries } });
      }
    });
  }

  /** The welcome for `conversation_started`, built afresh for each request (never shared between users). */
  async welcome(user: ViberUser, sender: object): Promise<object> {
    const t = translator(languageFor(user.language));
    const subscriber = await this.deps.db.manager.findOneBy(ViberSubscriber, { viberId: user.id });
    if (!isVerified(subscriber)) return { sender, ...forClient(askForPhone(t('bot:welcome'), t), user.apiVersion) };
    const phone = displayPhone(subscriber.phone as string);
    // Opening the chat is not subscribing: after `unsubscribed`, codes go by SMS until the user writes.
    const message = subscriber.optedOut
      ? textWithResume(t('bot:welcome_back_opted_out', { phone }), t)
      : withMenu(t(subscriber.active ? 'bot:welcome_back' : 'bot:welcome_back_unsubscribed', { phone }), t);
    return { sender, ...message };
  }

  private async decide(manager: EntityManager, sender: ViberUser, message: Record<string, unknown>): Promise<Reply[]> {
    const now = this.deps.now();
    const subscriber = await manager.findOneBy(ViberSubscriber, { viberId: sender.id });
    const language = languageFor(sender.language ?? subscriber?.language);
    const t = translator(language);
    const reply = (m: ViberMessage): Reply[] => [{ to: sender.id, message: m }];
    const verified = isVerified(subscriber);
    const type = String(message.type ?? '');

    if (type === 'flood') return reply(verified ? withMenu(t('bot:too_fast'), t, subscriber?.optedOut) : askForPhone(t('bot:too_fast'), t));
    if (type === 'contact') {
      const contact = (message.contact ?? {}) as Record<string, unknown>;
      return this.claim(manager, sender, String(contact.phone_number ?? ''), language, t, now);
    }
    if (type !== 'text') return reply(verified ? withMenu(t('bot:unsupported'), t, subscriber?.optedOut) : askForPhone(t('bot:invite'), t));

    const text = String(message.text ?? '').trim().slice(0, 1000);
    if (text.startsWith('/') && this.deps.staffCommands) {
      const answer = await this.deps.staffCommands(sender.id, text, language, manager);
      if (answer) return answer.map((m) => ({ to: sender.id, message: m }));
    }
    const awaitingStop = message.tracking_data === 'confirm_stop';
    if (isButton(text, 'bot:stop_yes') || (awaitingStop && YES.test(text))) return reply(await this.stop(manager, subscriber, t, now));
    if (isButton(text, 'bot:stop_no') || (awaitingStop && NO.test(text))) {
      // Nothing comes in Viber to a chat without a verified phone: saying it "keeps coming" would be false.
      return reply(verified && subscriber ? withMenu(t('bot:stop_kept'), t, subscriber.optedOut) : askForPhone(t('bot:invite'), t));
    }
    if (isButton(text, 'bot:resume')) return reply(await this.resume(manager, subscriber, t, now));

    const phone = extractPhone(text);
    const typedCode = phone ? null : extractCode(text);
    // Only a message that could be about a claim costs the query: not every question of a connected patient.
    const aboutClaim = !phone && (typedCode !== null || CODE_NOT_RECEIVED.test(text));
    const pending = aboutClaim ? await pendingClaim(manager, sender.id) : null;
    if (typedCode && pending) {
      // A code of the wrong length is a typo, not a try: the patient is told how long it is.
      if (typedCode.length !== 6) return reply(textOnly(t('bot:code_length')));
      return this.checkCode(manager, sender.id, typedCode, t, now);
    }
    // Waiting for the claim SMS and asking where it is: say where it went and when a new one can be asked for.
    if (pending && pending.expiresAt > now) {
      const again = clock(pending.createdAt + CLAIM_RULES.minIntervalMs, language);
      return reply(textOnly(t('bot:code_on_its_way', { phone: displayPhone(pending.phone), time: again })));
    }
    if (phone) return this.claim(manager, sender, phone, language, t, now);
    // A number, but not a Ukrainian mobile one (+7…, one digit short): say so rather than invite again.
    if (looksLikePhoneNumber(text)) return reply(askForPhone(t('bot:not_a_phone'), t));
    if (/^\d{6}$/.test(text.replace(/[\s-]/g, ''))) {
      // Someone already connected keeps their menu: there is nothing to connect.
      return reply(verified && subscriber ? withMenu(t('bot:no_pending_code_bound'), t, subscriber.optedOut) : askForPhone(t('bot:no_pending_code'), t));
    }

    // A tapped button (in any language) says what it asks for; typed words go to the classifier.
    const button = buttonIntent(text);
    const wish = button ? null : channelWish(text);
    // "Stop the SMS": our stop turns Viber off, the opposite; the SMS cannot be turned off, so say why it comes.
    if (wish === 'no_sms') {
      return reply(verified && subscriber ? withMenu(t('bot:sms_stays'), t, subscriber.optedOut) : askForPhone(t('bot:sms_stays_unbound'), t));
    }
    // "SMS instead of Viber" is a stop request, even when it names the codes ("коди тільки по смс").
    const intent = wish === 'sms_instead' ? 'unsubscribe' : (button ?? (await (await this.deps.classifier).classify(text)).intent);
    if (!verified || !subscriber) {
      // Asking to stop a chat that gets nothing: say so, rather than invite them to subscribe.
      if (intent === 'unsubscribe') return reply(askForPhone(t('bot:not_bound_stop'), t));
      return reply(askForPhone(intent === 'help' ? t('bot:welcome') : t('bot:invite'), t));
    }
    if (intent === 'unsubscribe') {
      return reply(subscriber.optedOut ? textWithResume(t('bot:stopped'), t) : stopConfirmation(t));
    }
    if (intent === 'help' || intent === 'unknown') return reply(withMenu(answerText(intent, [], now, t, language), t, subscriber.optedOut));
    const events = await recentEvents(manager, subscriber.phone as string, now, subscriber.dataSince);
    return reply(withMenu(answerText(intent, events, now, t, language, text), t, subscriber.optedOut));
  }

  private async claim(
    manager: EntityManager,
    sender: ViberUser,
    rawPhone: string,
    language: Language,
    t: TFunction,
    now: number,
  ): Promise<Reply[]> {
    const phone = phoneFromDigits(rawPhone.replace(/[ОоOo]/g, '0').replace(/[^\d+]/g, '')) ?? phoneFromDigits(rawPhone);
    const reply = (m: ViberMessage): Reply[] => [{ to: sender.id, message: m }];
    // A landline would never get the code: say it must be a mobile number instead of waiting for an SMS.
    if (!phone || isUkrainianLandline(phone)) return reply(askForPhone(t('bot:not_a_phone'), t));
    const result: ClaimStart = await startClaim(manager, sender.id, phone, now, language);
    this.deps.logger.info({ viber: maskId(sender.id), phone: maskPhone(phone), result: result.kind }, 'phone claim');
    switch (result.kind) {
      case 'sent':
        return reply(textOnly(t('bot:code_sent', { phone: displayPhone(phone) })));
      case 'already_bound':
        return reply(withMenu(t('bot:already_bound', { phone: displayPhone(phone) }), t));
      case 'too_soon': {
        // Only a chat waiting for a code of its own can type one in; "just sent to this number" only if it was.
        const key = result.ownCode ? 'bot:too_soon' : result.samePhone ? 'bot:too_soon_phone' : 'bot:too_soon_chat';
        return reply(textOnly(t(key, { time: clock(result.retryAt, language) })));
      }
      case 'daily_limit':
        return reply(askForPhone(t('bot:daily_limit', { when: when(result.retryAt, now, language) }), t));
      case 'user_limit':
        return reply(askForPhone(t('bot:user_limit', { when: when(result.retryAt, now, language) }), t));
    }
  }

  private async checkCode(manager: EntityManager, viberId: string, code: string, t: TFunction, now: number): Promise<Reply[]> {
    const result: ClaimCheck = await checkClaimCode(manager, viberId, code, now);
    const reply = (m: ViberMessage): Reply[] => [{ to: viberId, message: m }];
    switch (result.kind) {
      case 'verified': {
        this.deps.logger.info({ viber: maskId(viberId), phone: maskPhone(result.phone) }, 'phone verified and bound to viber user');
        const phone = displayPhone(result.phone);
        const confirmation = result.previousPhone
          ? t('bot:bound_changed', { phone, previous: displayPhone(result.previousPhone) })
          : t('bot:bound', { phone });
        const notices = result.replaced.map((old) => ({
          to: old.viberId,
          message: askForPhone(translator(languageFor(old.language))('bot:replaced', { phone }), translator(languageFor(old.language))),
        }));
        return [...reply(withMenu(confirmation, t)), ...notices];
      }
      case 'wrong':
        return reply(textOnly(t('bot:wrong_code', { count: result.triesLeft })));
      case 'dead':
        return reply(askForPhone(t('bot:code_dead'), t));
      case 'expired':
        return reply(askForPhone(t('bot:code_expired'), t));
      case 'superseded':
        return reply(textOnly(t('bot:code_superseded')));
      case 'none':
        return reply(askForPhone(t('bot:no_pending_code'), t));
    }
  }

  private async stop(manager: EntityManager, subscriber: ViberSubscriber | null, t: TFunction, now: number): Promise<ViberMessage> {
    if (!isVerified(subscriber) || !subscriber) return askForPhone(t('bot:not_bound_stop'), t);
    await manager.update(ViberSubscriber, { viberId: subscriber.viberId }, { optedOut: true, updatedAt: now });
    this.deps.logger.info({ viber: maskId(subscriber.viberId) }, 'viber delivery stopped by the user: SMS from now on');
    return textWithResume(t('bot:stopped'), t);
  }

  private async resume(manager: EntityManager, subscriber: ViberSubscriber | null, t: TFunction, now: number): Promise<ViberMessage> {
    if (!isVerified(subscriber) || !subscriber) return askForPhone(t('bot:invite'), t);
    await manager.update(ViberSubscriber, { viberId: subscriber.viberId }, { optedOut: false, active: true, updatedAt: now });
    return withMenu(t('bot:resumed', { phone: displayPhone(subscriber.phone as string) }), t);
  }
}

/** Queues Viber notices to users (e.g. "your binding was ended"), sent from the outbox. */
export async function queueNotices(manager: EntityManager, replies: Reply[], now: number): Promise<void> {
  if (replies.length === 0) return;
  await putJob(manager, { id: `notice:${randomUUID()}`, round: 0, step: 'viber_message', dueAt: now, state: { replies, tries: 0 } }, now);
}

function isVerified(subscriber: ViberSubscriber | null): subscriber is ViberSubscriber {
  return subscriber !== null && subscriber.phone !== null && subscriber.verifiedAt !== null;
}

/** Whether `text` is the label of a button, in any language (a user may switch languages). */
function isButton(text: string, key: string): boolean {
  const folded = text.toLocaleLowerCase('uk');
  return LANGUAGES.some((language) => translator(language)(key).toLocaleLowerCase('uk') === folded);
}

/** The menu's buttons and what each asks for: the same words whatever language the user's Viber is in. */
const MENU_INTENTS: ReadonlyArray<[string, Intent]> = [
  ['viber:menu.prescriptions', 'prescriptions'],
  ['viber:menu.referrals', 'referrals'],
  ['viber:menu.last_code', 'last_code'],
  ['viber:menu.help', 'help'],
  ['viber:menu.stop', 'unsubscribe'],
];

/** The intent of a menu button whose label `text` is, in any language, or null. */
export function buttonIntent(text: string): Intent | null {
  return MENU_INTENTS.find(([key]) => isButton(text, key))?.[1] ?? null;
}

/**
 * Finds a Ukrainian mobile number in free text ("мій номер 067 123-45-67"), also in the old trunk form
 * 8 0XX…, with the international 00 prefix, with a trunk zero after +380 ("+380 067…"), and with any dash.
 * Digits inside an e-prescription or e-referral number ("0931-2345-67AB-CE12") are never a phone.
 */
export function extractPhone(text: string): string | null {
  const cleaned = text
    .replace(/\p{Cf}/gu, '')
    // A Cyrillic "О" typed among digits for a zero: "+38О67…", "О67 222 ОО 48".
    .replace(/(?<=^|[\d\s().+-]|[ОоOo])[ОоOo](?=[\d\s().-]|[ОоOo])/g, '0')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(DOCUMENT_NUMBERS, ' ')
    // The international habit of a trunk zero in brackets: "+380 (0)67…", "+38 (0)67…".
    .replace(/(\+?380)\s*\(0\)\s*/g, '$1')
    .replace(/(\+?38)\s*\(0\)\s*/g, '$10');
  for (const match of cleaned.matchAll(/\+?\d[\d\s\u00a0().-]{8,19}\d/g)) {
    // Glued to letters ("0000-1234-56KX"), it is part of something else.
    const before = cleaned[(match.index ?? 0) - 1] ?? ' ';
    const after = cleaned[(match.index ?? 0) + match[0].length] ?? ' ';
    if (/[\p{L}\d]/u.test(before) || /[\p{L}\d]/u.test(after)) continue;
    const phone = phoneFromDigits(match[0]);
    if (phone) return phone;
  }
  return null;
}

/** Every e-prescription or e-referral number in a text. */
const DOCUMENT_NUMBERS = new RegExp(DOCUMENT_NUMBER_IN_TEXT.source, 'gu');

/** A Ukrainian mobile number in the spellings people use, as E.164; null for anything else. */
export function phoneFromDigits(candidate: string): string | null {
  const digits = candidate.replace(/\D/g, '');
  const phone =
    normalizePhone(candidate) ??
    (/^80\d{9}$/.test(digits) ? normalizePhone(digits.slice(1)) : null) ??
    (/^00380\d{9}$/.test(digits) ? `+${digits.slice(2)}` : null) ??
    (/^3800\d{9}$/.test(digits) ? `+380${digits.slice(4)}` : null);
  // No operator code starts with 0 or 1: "+38000…" is a typo or a document number.
  return phone && !/^\+380[01]/.test(phone) ? phone : null;
}

/** A message that is only a phone number of some kind: 9 to 15 digits with the usual separators. */
function looksLikePhoneNumber(text: string): boolean {
  const digits = text.replace(/\D/g, '').length;
  return /^\+?[\d\s\u00a0().-]+$/.test(text.trim()) && digits >= 9 && digits <= 15;
}

/**
 * The digits of a message that is a code: a short one of 4 to 8 digits in all with at most a few words around
 * them ("123456", "код: 123 456"), or any message with one run of six digits and no other digit ("ось код з смс:
 * 295461", "Мені прийшов код 743892, дякую", the whole SMS pasted back); null otherwise.
 */
export function extractCode(text: string): string | null {
  if (text.length <= 300) {
    // One six-digit number among other words and numbers ("прийшов о 15:30 897954", "код 200597, 27.11.2026").
    const sixes = new Set(text.match(/(?<![\d.:/-])\d{6}(?!\d|[.:/-]\d)/g) ?? []);
    if (sixes.size === 1) return [...sixes][0];
  }
  if (text.length > 40) return null;
  const digits = text.replace(/\D/g, '');
  if (digits.length < 4 || digits.length > 8) return null;
  const words = text.replace(/[\d\s\p{P}]+/gu, ' ').trim();
  return words.split(' ').filter(Boolean).length <= 3 ? digits : null;
}

function textOnly(text: string): ViberMessage {
  return { type: 'text', text };
}

function textWithResume(text: string, t: TFunction): ViberMessage {
  return { type: 'text', text, keyboard: resumeKeyboard(t) };
}

function clock(at: number, language: Language): string {
  return formatClock(at, language);
}

function when(at: number, now: number, language: Language): string {
  const sameDay = formatDayMonth(at, language) === formatDayMonth(now, language);
  const time = formatClock(at, language).slice(0, 5);
  if (language === 'en') return sameDay ? `at ${time}` : `on ${formatDayMonth(at, language)} at ${time}`;
  return sameDay ? `о ${time}` : `${formatDayMonth(at, language)} о ${time}`;
}

/** The API level each receiver's Viber client reported (null when it never said). */
async function apiVersionsOf(manager: EntityManager, viberIds: string[]): Promise<Map<string, number | null>> {
  const ids = [...new Set(viberIds)];
  if (ids.length === 0) return new Map();
  const rows = await manager.find(ViberSubscriber, { where: { viberId: In(ids) }, select: { viberId: true, apiVersion: true } });
  return new Map(rows.map((row) => [row.viberId, row.apiVersion]));
}
