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

/** A Messaging Service SID; an alphanumeric sender may also start with "MG". */
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

/** Twilio Programmable Messaging: form POST to `/2010-04-01/Accounts/{sid}/Messages.json`, Basic auth. */
export class TwilioProvider implements SmsProvider {
  readonly name = 'twilio' as const;

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
    let parsed: { sid?: string; code?: number; message?: string; status?: string | number } = {};
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      // A proxy's HTML error page: judged by the HTTP status below.
    }
    if (reply.status >= 200 && reply.status < 300 && parsed.sid) {
      if (parsed.status === 'failed' || parsed.status === 'undelivered') {
        return { ok: false, permanent: false, reason: `twilio ${parsed.status}` };
      }
      return { ok: true, messageId: parsed.sid };
    }
    const code = Number(parsed.code);
    const reason = `twilio HTTP ${reply.status}${Number.isFinite(code) ? ` ${code}` : ''}${parsed.message ? ` ${parsed.message}` : ''}`;
    return { ok: false, permanent: NUMBER_REFUSED.has(code), reason, uncertain: reply.status >= 500 };
  }

  /** `GET …/Messages/{sid}.json`: the message's `status`, and `error_code` when it failed. */
  async report(messageId: string): Promise<SmsReport> {
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
    let parsed: { status?: string; error_code?: number | string | null };
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      return { kind: 'pending' };
    }
    const status = String(parsed?.status ?? '');
    if (status === 'delivered' || status === 'read') return { kind: 'delivered' };
    if (status === 'undelivered' || status === 'failed' || status === 'canceled') {
      return { kind: 'undelivered', reason: `twilio ${status}${parsed.error_code ? ` ${parsed.error_code}` : ''}` };
    }
    return { kind: 'pending' };
  }
}
