import type { TFunction } from 'i18next';
import RichMediaMessage from 'viber-bot/lib/message/rich-media-message';
import TextMessage from 'viber-bot/lib/message/text-message';
import type { Language } from '../../i18n';
import { formatValidUntil } from '../../messages/dates';
import type { DocumentFacts } from '../../messages/facts';

/** A Viber message body without `receiver`: what send_message and a webhook reply both carry. */
export type ViberMessage = Record<string, unknown> & { type: string };

export interface ViberButton {
  Columns: number;
  Rows: number;
  ActionType: 'reply' | 'open-url' | 'share-phone' | 'none';
  ActionBody: string;
  Text: string;
  BgColor?: string;
  Silent?: boolean;
  TextSize?: 'small' | 'regular' | 'large';
  TextHAlign?: 'left' | 'center' | 'right';
  TextVAlign?: 'top' | 'middle' | 'bottom';
}

export interface ViberKeyboard {
  Type: 'keyboard';
  DefaultHeight?: boolean;
  InputFieldState?: 'regular' | 'minimized' | 'hidden';
  Buttons: ViberButton[];
}

const ACCENT = '#E8F1FB';
const CODE_BG = '#FFF4D6';
const BUTTON_BG = '#D6E6F9';

/** Viber button texts are HTML-like: user data must not open tags. */
export function escapeViberText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The replies a patient can tap: the same words they could type, so both take one path. */
export function menuButtons(t: TFunction): Array<{ action: string; text: string }> {
  return [
    { action: t('viber:menu.prescriptions'), text: t('viber:menu.prescriptions') },
    { action: t('viber:menu.referrals'), text: t('viber:menu.referrals') },
    { action: t('viber:menu.last_code'), text: t('viber:menu.last_code') },
    { action: t('viber:menu.help'), text: t('viber:menu.help') },
  ];
}

/**
 * The keyboard under the chat: the questions of the bot plus the way to stop Viber delivery, or, for a
 * patient who stopped it (`optedOut`), the way to turn it back on.
 */
export function mainKeyboard(t: TFunction, optedOut = false): ViberKeyboard {
  const buttons: ViberButton[] = menuButtons(t).map(({ action, text }) => ({
    Columns: 3,
    Rows: 1,
    ActionType: 'reply',
    ActionBody: action,
    Text: escapeViberText(text),
    BgColor: BUTTON_BG,
  }));
  const last = optedOut ? t('bot:resume') : t('viber:menu.stop');
  buttons.push({ Columns: 6, Rows: 1, ActionType: 'reply', ActionBody: last, Text: escapeViberText(last) });
  return { Type: 'keyboard', DefaultHeight: false, Buttons: buttons };
}

/** The lines of a document message, shared by the card and its `alt_text`. */
function documentLines(facts: DocumentFacts, t: TFunction, language: Language) {
  const title = t(`common:kind.${facts.type}`);
  const number = facts.number ? t('viber:card.number', { number: facts.number }) : null;
  // A withdrawn prescription or a cancelled referral is not valid until anything, and its code redeems
  // nothing: neither is shown (the SMS leaves the code out too). "направлення" is neuter.
  const withdrawn = facts.type === 'medication_request_rejected' || facts.type === 'service_request_cancelled';
  const code = facts.code && !withdrawn ? t('viber:card.code', { code: facts.code }) : null;
  const subject = facts.details.medication
    ? [facts.details.medication, facts.details.dosage].filter(Boolean).join(', ')
    : (facts.details.service ?? null);
  const patient = facts.thirdPerson && facts.patientName ? t('viber:card.for_patient', { name: facts.patientName }) : null;
  const validKey = facts.type === 'service_request' ? 'viber:card.valid_until_referral' : 'viber:card.valid_until';
  const validUntil = facts.expiresAt && !withdrawn ? t(validKey, { date: formatValidUntil(facts.expiresAt, language) }) : null;
  let note: string | null = null;
  if (facts.type === 'medication_request_rejected') note = t('viber:card.rejected');
  else if (facts.type === 'service_request_cancelled') note = t('viber:card.cancelled');
  else if (facts.type === 'verification') note = t('viber:card.verification');
  else if (facts.code) note = t('viber:card.code_hint');
  return { title, number, code, subject, patient, validUntil, note };
}

/** The plain-text form of a document message: the `alt_text` of the card and the SMS-free fallback. */
export function documentText(facts: DocumentFacts, t: TFunction, language: Language): string {
  const lines = documentLines(facts, t, language);
  return [lines.title, lines.number, lines.patient, lines.subject, lines.code, lines.validUntil, lines.note]
    .filter((line): line is string => Boolean(line))
    .join('\n');
}

/**
 * A rich-media card for one eHealth document: kind, number, the code set apart, what it is for,
 * whose it is (to a parent or representative) and until when, with the bot's questions as buttons.
 */
export function documentCard(facts: DocumentFacts, t: TFunction, language: Language): ViberMessage {
  const lines = documentLines(facts, t, language);
  const info = fitCell([lines.number, lines.patient, lines.subject, lines.validUntil].filter((line): line is string => Boolean(line)));
  const cell = (rows: number, text: string, extra: Partial<ViberButton> = {}): ViberButton => ({
    Columns: 6,
    Rows: rows,
    ActionType: 'none',
    ActionBody: 'none',
    Text: text,
    TextHAlign: 'left',
    TextVAlign: 'middle',
    ...extra,
  });
  const buttons: ViberButton[] = [cell(1, `<b>${escapeViberText(lines.title)}</b>`, { BgColor: ACCENT })];
  buttons.push(cell(lines.code ? 2 : 4, info || '&nbsp;'));
  if (lines.code) {
    buttons.push(cell(2, `<font size="22"><b>${escapeViberText(lines.code)}</b></font>`, { BgColor: CODE_BG, TextHAlign: 'center' }));
  }
  const replies = menuButtons(t).filter((button) => button.action !== t('viber:menu.last_code')).slice(0, 3);
  for (const reply of replies) {
    buttons.push({
      Columns: 2,
      Rows: 1,
      ActionType: 'reply',
      ActionBody: reply.action,
      Text: `<font color="#1A4F8B">${escapeViberText(reply.text)}</font>`,
      BgColor: BUTTON_BG,
      Silent: false,
    });
  }
  const richMedia = { Type: 'rich_media', ButtonsGroupColumns: 6, ButtonsGroupRows: 6, BgColor: '#FFFFFF', Buttons: buttons };
  return new RichMediaMessage(richMedia, null, null, null, null, documentText(facts, t, language), 2).toJson();
}

/** Viber refuses a rich-media button whose `Text` is longer (viber.md, rich media). */
export const VIBER_BUTTON_TEXT_MAX = 250;

/**
 * Lines joined into one cell's `Text`, within Viber's limit: the longest lines (a long medication
 * or a double surname) are shortened with "…" until it fits, so the card is never refused for it.
 * The `alt_text` keeps every word.
 */
export function fitCell(lines: string[], max = VIBER_BUTTON_TEXT_MAX): string {
  const parts = [...lines];
  const join = () => parts.map(escapeViberText).join('<br>');
  let text = join();
  for (let round = 0; text.length > max && round < 20; round++) {
    const longest = parts.reduce((best, line, i) => (line.length > parts[best].length ? i : best), 0);
    const keep = Math.max(8, parts[longest].length - (text.length - max) - 1);
    parts[longest] = `${parts[longest].slice(0, keep).trimEnd()}…`;
    text = join();
  }
  return text;
}

/** A text message, optionally with a keyboard. Keyboards with `share-phone` need `min_api_version` 3. */
export function textMessage(text: string, keyboard?: ViberKeyboard, minApiVersion?: number): ViberMessage {
  const message: ViberMessage = new TextMessage(text).toJson();
  if (keyboard) message.keyboard = keyboard;
  if (minApiVersion) message.min_api_version = minApiVersion;
  return message;
}

/**
 * The message as a client of `apiVersion` can take it. Viber refuses a message whose `min_api_version`
 * is above the receiver's (status 13), so such a user would get no answer at all: the share-phone button
 * (API level 3) is left out, and the text, which always says how to type the number, goes alone. An
 * unknown version (null) changes nothing.
 */
export function forClient<T extends Record<string, unknown>>(message: T, apiVersion: number | null): T {
  const needed = typeof message.min_api_version === 'number' ? message.min_api_version : 1;
  if (apiVersion === null || needed <= apiVersion) return message;
  const adapted: Record<string, unknown> = { ...message };
  delete adapted.min_api_version;
  const keyboard = message.keyboard as ViberKeyboard | undefined;
  if (keyboard) {
    const buttons = keyboard.Buttons.filter((button) => button.ActionType !== 'share-phone');
    if (buttons.length > 0) adapted.keyboard = { ...keyboard, Buttons: buttons };
    else delete adapted.keyboard;
  }
  return adapted as T;
}
