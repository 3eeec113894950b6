import { describeTransportError, get, post } from '../http';
import type { SmsMessage, SmsOutcome, SmsProvider, SmsReport } from './provider';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A phone number, an alphanumeric sender, or a Messaging Service SID (`MG…`). */
  from: string;
  apiUrl: string;
}

/**
 * Twilio error codes about the recipient, which no other provider will fix: invalid 'To' (21211),
 * a short code (21265), a premium number (21268), unsubscribed by STOP (21610), not a mobile
 * (21614), a landline (21635). Codes about the route or the sender (21612 cannot route, 21407
 * sender cannot send SMS) are left temporary: another provider may deliver.
 */
const NUMBER_REFUSED = new Set([21211, 21265, 21268, 21610, 21614, 21635]);

/** The message id of an SMS Twilio accepted (2xx) with a body we could not read. */
const UNREADABLE_SID = 'twilio:unreadable';

/** A Messaging Service SID; an alphanumeric sender may also start with "MG". */
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

/** Twilio Programmable Messaging: form POST to `/2010-04-01/Accounts/{sid}/Messages.json`, Basic auth. */
export class TwilioProvider implements SmsProvider {
  readonly name = 'twilio' as const;
  readonly idempotent = false;

  constructor(private readonly options: TwilioOptions) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const { accountSid, authToken, from, apiUrl } = this.options;
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    form.set(MESSAGING_SERVICE_SID.test(from) ? 'MessagingServiceSid' : 'From', from);
    let reply;
    try {
      reply = await post(`${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, form.toString(), {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      });
    } catch (error) {
      return { ok: false, permanent: false, reason: `twilio unreachable: ${describeTransportError(error)}`, uncertain: true };
    }
    let parsed: { sid?: unknown; code?: unknown; message?: unknown; status?: unknown } = {};
    try {
      const value: unknown = JSON.parse(reply.body);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value;
    } catch {
      // A proxy's HTML error page: judged by the HTTP status below.
    }
    const code = Number(parsed.code);
    const sid = typeof parsed.sid === 'string' && parsed.sid ? parsed.sid : null;
    if (reply.status >= 200 && reply.status < 300) {
      if (parsed.status === 'failed' || parsed.status === 'undelivered') {
        return { ok: false, permanent: false, reason: `twilio ${parsed.status}` };
      }
      if (sid) return { ok: true, messageId: sid };
      // Twilio's error body under a 2xx (a proxy rewrote the status): the error it names.
      if (Number.isFinite(code) && parsed.code !== undefined && parsed.code !== null) {
        const said = typeof parsed.message === 'string' && parsed.message ? ` ${parsed.message}` : '';
        return { ok: false, permanent: NUMBER_REFUSED.has(code), reason: `twilio HTTP ${reply.status} ${code}${said}` };
      }
      // 201 is how Twilio answers a message it created: sending again would put a second SMS on the phone,
      // even if the body was lost on the way. Any other 2xx without a message SID (200 with an HTML page,
      // 204) came from something in between: the SMS may not exist, so it is not taken as sent.
      if (reply.status === 201) return { ok: true, messageId: UNREADABLE_SID };
      return { ok: false, permanent: false, reason: `twilio HTTP ${reply.status} without a message SID`, uncertain: true };
    }
    const said = typeof parsed.message === 'string' && parsed.message ? ` ${parsed.message}` : '';
    const reason = `twilio HTTP ${reply.status}${Number.isFinite(code) ? ` ${code}` : ''}${said}`;
    return { ok: false, permanent: NUMBER_REFUSED.has(code), reason, uncertain: reply.status >= 500 };
  }

  /**
   * `GET …/Messages.json?To=…&PageSize=20`, newest first: a message with the same text created since `since`.
   * Twilio has no idempotency key, so this is how a retry after a timeout or a 5xx avoids a second SMS.
   */
  async findSent(message: SmsMessage, since: number): Promise<string | null | undefined> {
    const { accountSid, authToken, apiUrl } = this.options;
    const query = new URLSearchParams({ To: message.to, PageSize: '20' });
    let reply;
    try {
      reply = await get(`${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json?${query}`, {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        accept: 'application/json',
      });
    } catch {
      return undefined;
    }
    if (reply.status !== 200) return undefined;
    let listed: unknown;
    try {
      listed = (JSON.parse(reply.body) as { messages?: unknown }).messages;
    } catch {
      return undefined;
    }
    if (!Array.isArray(listed)) return undefined;
    for (const item of listed as Array<Record<string, unknown>>) {
      const created = Date.parse(String(item?.date_created ?? ''));
      // date_created has whole seconds: a second's margin.
      if (item?.body === message.text && typeof item.sid === 'string' && item.sid && created >= since - 1000) return item.sid;
    }
    return null;
  }

  /** `GET …/Messages/{sid}.json`: the message's `status`, and `error_code` when it failed. */
  async report(messageId: string): Promise<SmsReport> {
    if (messageId === UNREADABLE_SID) return { kind: 'unsupported', reason: 'twilio gave no message SID' };
    const { accountSid, authToken, apiUrl } = this.options;
    let reply;
    try {
      reply = await get(`${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages/${encodeURIComponent(messageId)}.json`, {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        accept: 'application/json',
      });
    } catch {
      return { kind: 'pending' };
    }
    if (reply.status === 404) return { kind: 'unsupported', reason: 'twilio does not know this message' };
    if (reply.status < 200 || reply.status >= 300) return { kind: 'pending' };
    let parsed: { status?: unknown; error_code?: unknown };
    try {
      parsed = (JSON.parse(reply.body) as typeof parsed | null) ?? {};
    } catch {
      return { kind: 'pending' };
    }
    const status = String(parsed?.status ?? '').trim().toLowerCase();
    if (status === 'delivered' || status === 'read') return { kind: 'delivered' };
    if (status === 'undelivered' || status === 'failed' || status === 'canceled') {
      return { kind: 'undelivered', reason: `twilio ${status}${parsed.error_code ? ` ${parsed.error_code}` : ''}` };
    }
    return { kind: 'pending' };
  }
}
