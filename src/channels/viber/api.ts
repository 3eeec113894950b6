import JSONbig from 'json-bigint';
import { describeTransportError, post } from '../http';

/** Viber's 64-bit `message_token`s do not fit a JS number: big integers are kept as strings. */
const bigJson = JSONbig({ storeAsString: true });

/** Parses Viber JSON keeping 64-bit integers exact. */
export function parseViberJson(text: string): unknown {
  return bigJson.parse(text);
}

/** Viber's status codes by name (REST Bot API, "Errors"). */
export const VIBER_STATUS: Record<number, string> = {
  0: 'ok',
  1: 'invalidUrl',
  2: 'invalidAuthToken',
  3: 'badData',
  4: 'missingData',
  5: 'receiverNotRegistered',
  6: 'receiverNotSubscribed',
  7: 'publicAccountBlocked',
  8: 'publicAccountNotFound',
  9: 'publicAccountSuspended',
  10: 'webhookNotSet',
  11: 'receiverNoSuitableDevice',
  12: 'tooManyRequests',
  13: 'apiVersionNotSupported',
  14: 'incompatibleWithVersion',
  15: 'publicAccountNotAuthorized',
  16: 'inchatReplyMessageNotAllowed',
  17: 'publicAccountIsNotInline',
  18: 'noPublicChat',
  19: 'cannotSendBroadcast',
  20: 'broadcastNotAllowed',
  21: 'unsupportedCountry',
  22: 'paymentUnsupported',
  23: 'freeMessagesExceeded',
  24: 'noBalance',
};

/**
 * The network failed or Viber answered something other than its JSON. `uncertain`: the request may
 * have reached Viber all the same (no answer in time, a connection cut after sending).
 */
export class ViberTransportError extends Error {
  constructor(
    message: string,
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** Transport failures after which the request may have been received and acted on. */
const UNCERTAIN_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ABORT_ERR']);

function mayHaveArrived(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: string | number; name?: string };
  return (typeof code === 'string' && UNCERTAIN_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError';
}

export interface ViberReply {
  status: number;
  statusMessage: string;
  /** Present on a successful send; exact, as a decimal string. */
  messageToken: string | null;
  body: Record<string, unknown>;
}

export interface ViberApiOptions {
  apiUrl: string;
  authToken: string;
  timeoutMs?: number;
}

/**
 * A thin client of the Viber REST Bot API. Not viber-bot's client: that one rounds 64-bit
 * `message_token`s in send replies and has no read timeout (see README).
 */
export class ViberApi {
  constructor(private readonly options: ViberApiOptions) {}

  /** Calls `POST <api>/<method>`; throws ViberTransportError when no Viber reply could be read. */
  async call(method: string, payload: object): Promise<ViberReply> {
    let reply;
    try {
      reply = await post(
        `${this.options.apiUrl}/${method}`,
        JSON.stringify(payload),
        { 'x-viber-auth-token': this.options.authToken, 'content-type': 'application/json' },
        this.options.timeoutMs ?? 5000,
      );
    } catch (error) {
      throw new ViberTransportError(describeTransportError(error), mayHaveArrived(error));
    }
    if (reply.status !== 200) throw new ViberTransportError(`Viber API HTTP ${reply.status}`);
    // A 200 that cannot be read: Viber took the request and may well have sent the message.
    let body: Record<string, unknown>;
    try {
      body = parseViberJson(reply.body) as Record<string, unknown>;
    } catch {
      throw new ViberTransportError('Viber API answered 200 with something other than JSON', true);
    }
    if (typeof body !== 'object' || body === null || body.status === undefined) {
      throw new ViberTransportError('Viber API answered 200 without a status', true);
    }
    const token = body.message_token;
    return {
      status: Number(body.status),
      statusMessage: typeof body.status_message === 'string' ? body.status_message : (VIBER_STATUS[Number(body.status)] ?? 'unknown'),
      messageToken: token === undefined || token === null ? null : String(token),
      body,
    };
  }

  sendMessage(message: object): Promise<ViberReply> {
    return this.call('send_message', message);
  }

  /** Registers the webhook; Viber calls it at once with a `webhook` event that must get a 200. */
  setWebhook(url: string, eventTypes: string[]): Promise<ViberReply> {
    return this.call('set_webhook', { url, event_types: eventTypes, send_name: true, send_photo: false });
  }
}
