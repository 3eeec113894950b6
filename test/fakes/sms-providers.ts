import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeService, sendJson } from './http';

/** One SMS that reached a (fake) handset. */
export interface DeliveredSms {
  to: string;
  text: string;
  sender: string;
  messageId: string;
  /** When the fake accepted it (Date.now()). */
  at: number;
}

/**
 * What the fake answers: success, an HTTP outage, no answer at all, or a provider error code.
 * TurboSMS refuses a request in its envelope, or (`recipient: true`) accepts the request and refuses
 * the number in the recipient's entry; Twilio answers an error with the HTTP status Twilio uses for it.
 */
export type SmsBehaviour = 'ok' | 'down' | 'hang' | 'sent-then-500' | { code: number; status?: string; recipient?: boolean };

/**
 * A fake TurboSMS on loopback: `POST /message/send.json`, Bearer token, JSON envelope
 * `{response_code, response_status, response_result}`. A request repeating a `sequence_id` is
 * acknowledged again but sends nothing, as the real API promises.
 */
export class FakeTurboSms extends FakeService {
  readonly delivered: DeliveredSms[] = [];
  readonly requests: Array<Record<string, unknown>> = [];
  behaviour: (to: string) => SmsBehaviour = () => 'ok';
  /** The `status` `POST /message/status.json` reports for a sent SMS (TurboSMS's words: Sent, Delivered, Expired…). */
  report: (sms: DeliveredSms) => string = () => 'Delivered';
  /** The message ids asked about, one entry per status request. */
  readonly statusRequests: string[][] = [];
  private readonly bySequence = new Map<string, string>();
  private counter = 0;

  constructor(readonly token = 'turbo-test-token') {
    super();
  }




  /** SMS that reached one number (in E.164). */
  to(phone: string): DeliveredSms[] {
    return this.delivered.filter((sms) => sms.to === phone);
  }

  /** TurboSMS's status request: `{messages: [id…]}` → one entry per id, 414 for an id it never issued. */
  private status(body: string, res: ServerResponse): void {
    const ids = (JSON.parse(body) as { messages?: string[] }).messages ?? [];
    this.statusRequests.push(ids);
    const stamp = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);
    const result = ids.map((id) => {
      const sms = this.delivered.find((candidate) => candidate.messageId === id);
      if (!sms) return { message_id: id, response_code: 414, response_status: 'NOT_ALLOWED_MESSAGE_ID' };
      return { message_id: id, response_code: 0, recipient: sms.to.replace(/^\+/, ''), sent: stamp(sms.at), updated: stamp(Date.now()), status: this.report(sms), type: 'sms', rejected_status: '' };
    });
    sendJson(res, 200, { response_code: 0, response_status: 'OK', response_result: result });
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = req.url ?? '';
    const authorization = req.headers.authorization;
    if (url !== '/message/send.json' && url !== '/message/status.json') {
      sendJson(res, 200, { response_code: 300, response_status: 'INVALID_REQUEST', response_result: null });
      return;
    }
    if (authorization !== `Bearer ${this.token}`) {
      sendJson(res, 200, { response_code: 105, response_status: 'REQUIRED_AUTH', response_result: null });
      return;
    }
    if (url === '/message/status.json') {
      this.status(body, res);
      return;
    }
    const request = JSON.parse(body) as { recipients: string[]; sms: { sender: string; text: string }; sequence_id?: number | string };
    this.requests.push(request as unknown as Record<string, unknown>);
    const phone = `+${request.recipients[0]}`;
    const behaviour = this.behaviour(phone);
    if (behaviour === 'hang') {
      return;
    }
    if (behaviour === 'down') {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
      return;
    }
    if (behaviour !== 'ok' && behaviour !== 'sent-then-500' && behaviour.recipient) {
      const refused = { phone: request.recipients[0], response_code: behaviour.code, message_id: null, response_status: behaviour.status ?? 'ERROR' };
      sendJson(res, 200, { response_code: 800, response_status: 'SUCCESS_MESSAGE_ACCEPTED', response_result: [refused] });
      return;
    }
    if (behaviour !== 'ok' && behaviour !== 'sent-then-500') {
      sendJson(res, 200, { response_code: behaviour.code, response_status: behaviour.status ?? 'ERROR', response_result: null });
      return;
    }
    const sequence = request.sequence_id === undefined ? null : String(request.sequence_id);
    let messageId = sequence ? this.bySequence.get(sequence) : undefined;
    if (!messageId) {
      messageId = `f83f8868-5e46-c6cf-e4fb-${String(++this.counter).padStart(12, '0')}`;
      if (sequence) this.bySequence.set(sequence, messageId);
      this.delivered.push({ to: phone, text: request.sms.text, sender: request.sms.sender, messageId, at: Date.now() });
    }
    // The SMS went out, but the answer is lost: the client cannot know.
    if (behaviour === 'sent-then-500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html>Internal Server Error</html>');
      return;
    }
    sendJson(res, 200, {
      response_code: 800,
      response_status: 'SUCCESS_MESSAGE_ACCEPTED',
      response_result: [{ phone: request.recipients[0], response_code: 0, message_id: messageId, response_status: 'OK' }],
    });
  }
}

/**
 * A fake Twilio Programmable Messaging: form POST to `/2010-04-01/Accounts/{sid}/Messages.json`
 * with Basic auth; 201 with the message resource, or Twilio's error JSON `{code, message, status}`.
 */
export class FakeTwilio extends FakeService {
  readonly delivered: DeliveredSms[] = [];
  /** Every authenticated send request's form, as received. */
  readonly requests: URLSearchParams[] = [];
  behaviour: (to: string) => SmsBehaviour = () => 'ok';
  /** The message resource's `status` (and `error_code`) when fetched: queued, sent, delivered, undelivered… */
  report: (sms: DeliveredSms) => { status: string; error_code?: number } = () => ({ status: 'delivered' });
  /** The SIDs fetched with `GET …/Messages/{sid}.json`. */
  readonly statusRequests: string[] = [];
  /** The `To` of each message-list request. */
  readonly listRequests: string[] = [];
  /** The message list answers 503 while true. */
  listDown = false;
  /** The SMS counts as sent when the request arrives; the answer follows after this delay (sends in flight). */
  replyDelayMs = 0;
  private counter = 0;

  constructor(
    readonly accountSid = 'AC00000000000000000000000000000001',
    readonly authToken = 'twilio-test-token',
  ) {
    super();
  }




  to(phone: string): DeliveredSms[] {
    return this.delivered.filter((sms) => sms.to === phone);
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = req.url ?? '';
    const authorization = req.headers.authorization;
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (authorization !== expected) {
      sendJson(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      return;
    }
    const fetched = url.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/);
    if (req.method === 'GET' && fetched && fetched[1] === this.accountSid) {
      this.statusRequests.push(fetched[2]);
      const sms = this.delivered.find((candidate) => candidate.messageId === fetched[2]);
      if (!sms) {
        sendJson(res, 404, { code: 20404, message: `The requested resource ${url} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
        return;
      }
      const { status, error_code } = this.report(sms);
      sendJson(res, 200, { sid: sms.messageId, status, error_code: error_code ?? null, to: sms.to, from: sms.sender, body: sms.text, account_sid: this.accountSid, num_segments: '1' });
      return;
    }
    // The message list, newest first, filtered by To (as Twilio's `GET …/Messages.json?To=…`).
    const listed = url.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json\?(.*)$/);
    if (req.method === 'GET' && listed && listed[1] === this.accountSid) {
      const query = new URLSearchParams(listed[2]);
      this.listRequests.push(query.get('To') ?? '');
      if (this.listDown) {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html>Service Unavailable</html>');
        return;
      }
      const to = query.get('To');
      const messages = this.delivered
        .filter((sms) => !to || sms.to === to)
        .reverse()
        .slice(0, Number(query.get('PageSize') ?? 50))
        .map((sms) => ({ sid: sms.messageId, to: sms.to, from: sms.sender, body: sms.text, status: 'sent', date_created: new Date(sms.at).toUTCString().replace('GMT', '+0000') }));
      sendJson(res, 200, { messages, page: 0, page_size: messages.length });
      return;
    }
    if (url !== `/2010-04-01/Accounts/${this.accountSid}/Messages.json`) {
      sendJson(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      return;
    }
    const form = new URLSearchParams(body);
    this.requests.push(form);
    const to = form.get('To') ?? '';
    const behaviour = this.behaviour(to);
    if (behaviour === 'hang') {
      return;
    }
    if (behaviour === 'down') {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
      return;
    }
    if (behaviour !== 'ok' && behaviour !== 'sent-then-500') {
      // Twilio answers a rate limit with 429, bad credentials with 401, anything about the message with 400.
      const status = behaviour.code === 20429 ? 429 : behaviour.code === 20003 ? 401 : 400;
      // Twilio's own wording for an invalid number repeats the number.
      const message = behaviour.status ?? (behaviour.code === 21211 ? `The 'To' number ${to} is not a valid phone number.` : 'error');
      sendJson(res, status, { code: behaviour.code, message, more_info: `https://www.twilio.com/docs/errors/${behaviour.code}`, status });
      return;
    }
    const sid = `SM${String(++this.counter).padStart(32, '0')}`;
    const sender = form.get('From') ?? form.get('MessagingServiceSid') ?? '';
    this.delivered.push({ to, text: form.get('Body') ?? '', sender, messageId: sid, at: Date.now() });
    if (behaviour === 'sent-then-500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html>Internal Server Error</html>');
      return;
    }
    const reply = { sid, status: 'queued', to, from: sender, body: form.get('Body'), account_sid: this.accountSid, num_segments: '1' };
    if (this.replyDelayMs > 0) setTimeout(() => sendJson(res, 201, reply), this.replyDelayMs);
    else sendJson(res, 201, reply);
  }
}
