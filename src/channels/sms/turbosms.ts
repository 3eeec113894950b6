import { createHash } from 'node:crypto';
import { describeTransportError, post } from '../http';
import type { SmsMessage, SmsOutcome, SmsProvider } from './provider';

export interface TurboSmsOptions {
  token: string;
  sender: string;
  apiUrl: string;
}

/** TurboSMS codes that no retry or other provider will fix: the number itself is refused. */
const NUMBER_REFUSED = new Set([305, 404, 406]);
const ACCEPTED = new Set([800, 801, 802, 803]);

interface TurboSmsReply {
  response_code?: number;
  response_status?: string;
  response_result?: Array<{ phone?: string; response_code?: number; message_id?: string | null; response_status?: string }> | null;
}

/** TurboSMS (https://turbosms.ua/api.html): `POST /message/send.json` with a Bearer token. */
export class TurboSmsProvider implements SmsProvider {
  readonly name = 'turbosms' as const;

  constructor(private readonly options: TurboSmsOptions) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const body = JSON.stringify({
      recipients: [message.to.replace(/^\+/, '')],
      sms: { sender: this.options.sender, text: message.text },
      sequence_id: sequenceId(message.idempotencyKey),
    });
    let reply;
    try {
      reply = await post(`${this.options.apiUrl}/message/send.json`, body, {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      });
    } catch (error) {
      return { ok: false, permanent: false, reason: `turbosms unreachable: ${describeTransportError(error)}`, uncertain: true };
    }
    if (reply.status !== 200) return { ok: false, permanent: false, reason: `turbosms HTTP ${reply.status}`, uncertain: reply.status >= 500 };
    let parsed: TurboSmsReply;
    try {
      parsed = JSON.parse(reply.body) as TurboSmsReply;
    } catch {
      return { ok: false, permanent: false, reason: 'turbosms answered with something other than JSON' };
    }
    return interpret(parsed);
  }
}

function interpret(reply: TurboSmsReply): SmsOutcome {
  const code = Number(reply.response_code);
  const recipient = reply.response_result?.[0];
  if (ACCEPTED.has(code) && recipient) {
    const recipientCode = Number(recipient.response_code ?? 0);
    if (recipientCode === 0 && recipient.message_id) return { ok: true, messageId: recipient.message_id };
    return {
      ok: false,
      permanent: NUMBER_REFUSED.has(recipientCode),
      reason: `turbosms ${recipientCode} ${recipient.response_status ?? ''}`.trim(),
    };
  }
  return {
    ok: false,
    permanent: NUMBER_REFUSED.has(code),
    reason: `turbosms ${Number.isFinite(code) ? code : '?'} ${reply.response_status ?? ''}`.trim(),
  };
}

/**
 * TurboSMS's `sequence_id` makes a repeated request a no-op. It is derived from our idempotency key
 * as a positive integer below 2^53, which fits both an integer and a string reading of the field.
 */
export function sequenceId(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUIntBE(0, 6) % 2 ** 53 || 1;
}
