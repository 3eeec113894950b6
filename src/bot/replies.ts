import type { TFunction } from 'i18next';
import { type ViberKeyboard, type ViberMessage, escapeViberText, mainKeyboard, textMessage } from '../channels/viber/cards';

/** share-phone needs API level 3; desktop clients cannot share, so every text also says "type it". */
export const SHARE_PHONE_API_VERSION = 3;

/** "+380671234567" → "+380 67 123 45 67", the way people read a number back. */
export function displayPhone(phone: string): string {
  const match = /^\+380(\d{2})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return match ? `+380 ${match[1]} ${match[2]} ${match[3]} ${match[4]}` : phone;
}

export function sharePhoneKeyboard(t: TFunction): ViberKeyboard {
  return {
    Type: 'keyboard',
    DefaultHeight: false,
    Buttons: [
      { Columns: 6, Rows: 1, ActionType: 'share-phone', ActionBody: 'share-phone', Text: escapeViberText(t('bot:share_phone')), BgColor: '#D6E6F9' },
    ],
  };
}

/** A text that asks for the phone number, with the share-phone button. */
export function askForPhone(text: string, t: TFunction): ViberMessage {
  return textMessage(text, sharePhoneKeyboard(t), SHARE_PHONE_API_VERSION);
}

/**
 * A text with the bot's main menu. For a patient who turned Viber delivery off (`optedOut`) the menu
 * offers to turn it back on, and the text says where their messages go meanwhile.
 */
export function withMenu(text: string, t: TFunction, optedOut = false): ViberMessage {
  return optedOut ? textMessage(`${text}\n\n${t('bot:opted_out_note')}`, mainKeyboard(t, true)) : textMessage(text, mainKeyboard(t));
}

export function stopConfirmation(t: TFunction): ViberMessage {
  const message = textMessage(t('bot:stop_confirm'), {
    Type: 'keyboard',
    DefaultHeight: false,
    Buttons: [
      { Columns: 3, Rows: 1, ActionType: 'reply', ActionBody: t('bot:stop_yes'), Text: escapeViberText(t('bot:stop_yes')), BgColor: '#F9D6D6' },
      { Columns: 3, Rows: 1, ActionType: 'reply', ActionBody: t('bot:stop_no'), Text: escapeViberText(t('bot:stop_no')), BgColor: '#D6E6F9' },
    ],
  });
  message.tracking_data = 'confirm_stop';
  return message;
}

export function resumeKeyboard(t: TFunction): ViberKeyboard {
  return {
    Type: 'keyboard',
    DefaultHeight: false,
    Buttons: [{ Columns: 6, Rows: 1, ActionType: 'reply', ActionBody: t('bot:resume'), Text: escapeViberText(t('bot:resume')), BgColor: '#D6E6F9' }],
  };
}
