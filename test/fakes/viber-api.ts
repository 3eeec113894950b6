import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { FakeService, sendJson } from './http';

export interface SentViberMessage {
  receiver: string;
  body: Record<string, unknown>;
  /** The token we answered with, exact. */
  token: string;
}

/** How the fake answers one send_message: a Viber status, an HTTP failure, or no answer. */
export type ViberBehaviour = { status: number; message?: string } | 'http500' | 'hang' | 'unreadable' | 'ok';

/**
 * A fake Viber REST Bot API on loopback, speaking Viber's wire format: `X-Viber-Auth-Token`, HTTP
 * 200 with a `status` field, and 64-bit `message_token`s written unquoted, above 2^53. It can also
 * play Viber calling the bot's webhook, signing callbacks with the token.
 */
export class FakeViberApi extends FakeService {
  readonly sent: SentViberMessage[] = [];
  readonly webhooks: Array<Record<string, unknown>> = [];
  /** Decides the answer per receiver; defaults to status 0. */
  behaviour: (receiver: string) => ViberBehaviour = () => 'ok';
  /** Send requests left without an answer (behaviour 'hang'): Viber may or may not have delivered them. */
  readonly unanswered: SentViberMessage[] = [];
  /** The API level of each receiver's client (10 when not set): above it, Viber answers status 13. */
  readonly apiVersions = new Map<string, number>();
  private nextToken = 5_000_000_000_000_000_001n;

  constructor(readonly authToken = 'viber-test-token') {
    super();
  }

  /** The base URL, to put in VIBER_API_URL. */
  override get url(): string {
    return `${this.server.origin}/pa`;
  }



  /** Messages sent to one user. */
  to(receiver: string): SentViberMessage[] {
    return this.sent.filter((m) => m.receiver === receiver);
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = req.url ?? '';
    const token = req.headers['x-viber-auth-token'];
    if (token !== this.authToken) {
      sendJson(res, 200, { status: 2, status_message: 'invalidAuthToken' });
      return;
    }
    const payload = JSON.parse(body) as Record<string, unknown>;
    if (url.endsWith('/set_webhook')) {
      this.webhooks.push(payload);
      sendJson(res, 200, { status: 0, status_message: 'ok', event_types: payload.event_types ?? [] });
      return;
    }
    if (!url.endsWith('/send_message')) {
      sendJson(res, 200, { status: 3, status_message: 'badData' });
      return;
    }
    const refusal = refuseBody(payload);
    if (refusal) {
      sendJson(res, 200, { status: 3, status_message: `badData: ${refusal}`, chat_hostname: 'SN-CHAT-01_' });
      return;
    }
    const receiver = String(payload.receiver);
    if (Number(payload.min_api_version ?? 1) > (this.apiVersions.get(receiver) ?? 10)) {
      sendJson(res, 200, { status: 13, status_message: 'apiVersionNotSupported', chat_hostname: 'SN-CHAT-01_' });
      return;
    }
    const behaviour = this.behaviour(receiver);
    if (behaviour === 'hang') {
      this.unanswered.push({ receiver, body: payload, token: '' });
      return;
    }
    if (behaviour === 'unreadable') {
      // Taken (and, for all the client knows, delivered), but the answer is not Viber's JSON.
      this.unanswered.push({ receiver, body: payload, token: '' });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>ok</html>');
      return;
    }
    if (behaviour === 'http500') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
      return;
    }
    if (behaviour !== 'ok' && behaviour.status !== 0) {
      sendJson(res, 200, { status: behaviour.status, status_message: behaviour.message ?? 'error', chat_hostname: 'SN-CHAT-01_' });
      return;
    }
    // Steps of a prime, so a token's neighbour (which rounds to the same double) is never issued.
    const messageToken = this.nextToken.toString();
    this.nextToken += 7919n;
    this.sent.push({ receiver, body: payload, token: messageToken });
    // Unquoted, as Viber writes it: a JSON.parse reader would round it.
    sendJson(res, 200, `{"status":0,"status_message":"ok","message_token":${messageToken},"chat_hostname":"SN-CHAT-01_","billing_status":1}`);
  }

  /** Signs a callback body (a string keeps 64-bit numbers unquoted) as Viber does. */
  sign(body: string): string {
    return createHmac('sha256', this.authToken).update(body).digest('hex');
  }

  /** Plays Viber POSTing a callback to the bot's webhook. */
  async callback(webhookUrl: string, body: string | object, signature?: string | null): Promise<{ status: number; body: string }> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-viber-content-signature'] = signature ?? this.sign(text);
    const reply = await request(webhookUrl, { method: 'POST', body: text, headers, headersTimeout: 5000, bodyTimeout: 5000 });
    return { status: reply.statusCode, body: await reply.body.text() };
  }
}

/**
 * What a real Viber refuses in a send_message body (viber.md: sender name ≤ 28, button Text ≤ 250,
 * a share-phone button only with min_api_version ≥ 3), or null.
 */
function refuseBody(payload: Record<string, unknown>): string | null {
  const sender = payload.sender as { name?: unknown } | undefined;
  if (typeof sender?.name !== 'string' || sender.name.length === 0 || sender.name.length > 28) return 'sender.name must be 1-28 characters';
  const richMedia = payload.rich_media as { Buttons?: Array<Record<string, unknown>> } | undefined;
  const keyboard = payload.keyboard as { Buttons?: Array<Record<string, unknown>> } | undefined;
  for (const button of [...(richMedia?.Buttons ?? []), ...(keyboard?.Buttons ?? [])]) {
    if (typeof button.Text === 'string' && button.Text.length > 250) return 'a button Text is longer than 250 characters';
    if (button.ActionType === 'share-phone' && Number(payload.min_api_version ?? 1) < 3) return 'share-phone needs min_api_version 3';
  }
  return null;
}

/** Callback bodies in Viber's format, with the token unquoted. */
export const viberCallbacks = {
  receipt(event: 'delivered' | 'seen' | 'failed', token: string, userId: string, desc?: string): string {
    const extra = desc ? `,"desc":${JSON.stringify(desc)}` : '';
    return `{"event":"${event}","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${token},"user_id":${JSON.stringify(userId)}${extra}}`;
  },
  message(userId: string, message: object, token: string, sender: Partial<{ name: string; language: string; api_version: number }> = {}): string {
    const user = { id: userId, name: sender.name ?? 'Тест', avatar: null, language: sender.language ?? 'uk', country: 'UA', api_version: sender.api_version ?? 10 };
    return `{"event":"message","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${token},"sender":${JSON.stringify(user)},"message":${JSON.stringify(message)},"silent":false}`;
  },
  conversationStarted(userId: string, token: string, language = 'uk', apiVersion = 10, subscribed = false): string {
    const user = { id: userId, name: 'Тест', avatar: null, language, country: 'UA', api_version: apiVersion };
    return `{"event":"conversation_started","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${token},"type":"open","user":${JSON.stringify(user)},"subscribed":${subscribed}}`;
  },
  subscribed(userId: string, token: string): string {
    const user = { id: userId, name: 'Тест', avatar: null, language: 'uk', country: 'UA', api_version: 10 };
    return `{"event":"subscribed","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${token},"user":${JSON.stringify(user)}}`;
  },
  unsubscribed(userId: string, token: string): string {
    return `{"event":"unsubscribed","timestamp":${Date.now()},"chat_hostname":"SN-CHAT-01_","message_token":${token},"user_id":${JSON.stringify(userId)}}`;
  },
};
