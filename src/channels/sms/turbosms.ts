import { createHash } from 'node:crypto';
import { describeTransportError, post } from '../http';
import type { SmsMessage, SmsOutcome, SmsProvider, SmsReport } from './provider';

export interface TurboSmsOptions {
  token: string;
  sender: string;
  apiUrl: string;
}

/**
 * TurboSMS codes that no retry or other provider will fix: the number itself is refused (305 invalid
 * phone, 404 stop list). 406 (recipient country not enabled) is the account's setting, not the
 * number's: another provider may well deliver.
 */
const NUMBER_REFUSED = new Set([305, 404]);
const ACCEPTED = new Set([800, 801, 802, 803]);

interface TurboSmsReply {
  response_code?: number;
  response_status?: string;
  response_result?: Array<{ phone?: string; response_code?: number; message_id?: string | null; response_status?: string }> | null;
}

/** TurboSMS (https://turbosms.ua/api.html): `POST /message/send.json` with a Bearer token. */
export class TurboSmsProvider implements SmsProvider {
  readonly name = 'turbosms' as const;
  readonly idempotent = true;

  constructor(private readonly options: TurboSmsOptions) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const sequence = sequenceId(message.idempotencyKey);
    const body = JSON.stringify({
      recipients: [message.to.replace(/^\+/, '')],
      sms: { sender: this.options.sender, text: message.text },
      sequence_id: sequence,
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      parsed = null;
    }
    // Not the JSON object TurboSMS answers with: it may still have taken the SMS (a retry carries the same sequence_id).
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, permanent: false, reason: 'turbosms answered with something other than its JSON envelope', uncertain: true };
    }
    return interpret(parsed as TurboSmsReply, sequence);
  }

  /** `POST /message/status.json` with `{messages: [id]}`: the message's `status`, or 414 for an id it does not know. */
  async report(messageId: string): Promise<SmsReport> {
    // Accepted without a recipient entry: no message id was given to ask about.
    if (messageId.startsWith('sequence:')) return { kind: 'unsupported', reason: 'turbosms gave no message id' };
    let reply;
    try {
      reply = await post(`${this.options.apiUrl}/message/status.json`, JSON.stringify({ messages: [messageId] }), {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      });
    } catch {
      return { kind: 'pending' };
    }
    if (reply.status === 404) return { kind: 'unsupported', reason: 'turbosms has no status endpoint here' };
    if (reply.status !== 200) return { kind: 'pending' };
    let parsed: { response_result?: Array<{ message_id?: string; response_code?: number; status?: string }> | null };
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      return { kind: 'pending' };
    }
    const entry = Array.isArray(parsed?.response_result) ? parsed.response_result.find((item) => item?.message_id === messageId) : undefined;
    if (!entry) return { kind: 'pending' };
    if (Number(entry.response_code ?? 0) !== 0) return { kind: 'unsupported', reason: `turbosms ${entry.response_code} for this message id` };
    return reportOf('turbosms', String(entry.status ?? ''));
  }
}

/** TurboSMS's words for a message's fate (case aside): delivered or read, or one of the final failures. */
const DELIVERED = new Set(['delivered', 'read']);
const UNDELIVERED = new Set(['expired', 'undelivered', 'undeliverable', 'rejected', 'failed', 'cancelled', 'canceled', 'deleted']);

function reportOf(provider: string, status: string): SmsReport {
  const word = status.trim().toLowerCase();
  if (DELIVERED.has(word)) return { kind: 'delivered' };
  if (UNDELIVERED.has(word)) return { kind: 'undelivered', reason: `${provider} ${status.trim()}` };
  return { kind: 'pending' };
}

/**
 * The envelope's code says whether the request was accepted (800–803); the recipient's entry, when
 * there is one, whether this number was (0 or 80x with a message id). Third-party clients show both
 * shapes, and "accepted" without a recipient entry is still accepted: reading it as a failure would
 * send the SMS again under a new key, or through the next provider.
 */
function interpret(reply: TurboSmsReply, sequence: number): SmsOutcome {
  const code = Number(reply.response_code);
  const first = Array.isArray(reply.response_result) ? reply.response_result[0] : undefined;
  const recipient = typeof first === 'object' && first !== null ? first : undefined;
  const requestAccepted = ACCEPTED.has(code) || (code === 0 && recipient !== undefined);
  if (requestAccepted && recipient) {
    const recipientCode = Number(recipient.response_code ?? 0);
    if (recipientCode === 0 || ACCEPTED.has(recipientCode)) {
      // Accepted for this number, even without a message id to ask about later.
      return { ok: true, messageId: recipient.message_id ? recipient.message_id : `sequence:${sequence}` };
    }
    return {
      ok: false,
      permanent: NUMBER_REFUSED.has(recipientCode),
      reason: `turbosms ${recipientCode} ${recipient.response_status ?? ''}`.trim(),
    };
  }
  if (requestAccepted) return { ok: true, messageId: `sequence:${sequence}` };
  // No code at all ("{}"): not TurboSMS's answer to anything; it may still have taken the SMS.
  if (reply.response_code === undefined || reply.response_code === null) {
    return { ok: false, permanent: false, reason: 'turbosms answered without a response_code', uncertain: true };
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
