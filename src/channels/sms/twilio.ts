import { describeTransportError, post } from '../http';
import type { SmsMessage, SmsOutcome, SmsProvider } from './provider';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A phone number, an alphanumeric sender, or a Messaging Service SID (`MG…`). */
  from: string;
  apiUrl: string;
}

/**
 * Twilio error codes about the recipient, which no other provider will fix: invalid number,
 * not a mobile, unsubscribed (STOP), unreachable destination.
 */
const NUMBER_REFUSED = new Set([21211, 21214, 21217, 21407, 21610, 21612, 21614]);

/** Twilio Programmable Messaging: form POST to `/2010-04-01/Accounts/{sid}/Messages.json`, Basic auth. */
export class TwilioProvider implements SmsProvider {
  readonly name = 'twilio' as const;

  constructor(private readonly options: TwilioOptions) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    const { accountSid, authToken, from, apiUrl } = this.options;
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    form.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', from);
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
}
