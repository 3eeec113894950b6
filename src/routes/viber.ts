import Router from '@koa/router';
import { parseViberJson } from '../channels/viber/api';
import { isViberSignatureValid } from '../channels/viber/signature';
import { parseJson, readRawBody } from '../http/body';
import { HttpError } from '../http/errors';

/** Handles one verified, parsed Viber callback; returns the body of the HTTP reply (a welcome message) or null. */
export interface ViberCallbackHandler {
  handle(callback: Record<string, unknown>): Promise<object | null>;
}

/**
 * Viber → Vistka: the bot's webhook. The signature is checked over the raw bytes before anything is
 * parsed; a bad one gets a 401 at once. The reply goes out as soon as the callback is stored: the
 * work it asks for runs from the outbox.
 */
export function viberRoutes(authToken: string | undefined, handler: ViberCallbackHandler | null): Router {
  const router = new Router();
  router.post('/viber/webhook', async (ctx) => {
    if (!authToken || !handler) {
      throw new HttpError(503, 'not_configured', 'VIBER_AUTH_TOKEN is not set on this server: the Viber bot is off.');
    }
    const signature = ctx.get('x-viber-content-signature') || undefined;
    // Without a signature nothing the body says can count: refuse before waiting for it.
    if (!signature) throw new HttpError(401, 'invalid_signature', 'X-Viber-Content-Signature is missing.', undefined, { connection: 'close' });
    const raw = await readRawBody(ctx);
    if (!isViberSignatureValid(authToken, signature, raw)) {
      throw new HttpError(401, 'invalid_signature', 'X-Viber-Content-Signature is missing or does not match the body.');
    }
    const callback = parseJson(raw, parseViberJson);
    if (typeof callback !== 'object' || callback === null || typeof (callback as { event?: unknown }).event !== 'string') {
      throw new HttpError(400, 'invalid_callback', 'A Viber callback is a JSON object with an "event" field.');
    }
    const reply = await handler.handle(callback as Record<string, unknown>);
    ctx.status = 200;
    ctx.body = reply ?? '';
  });
  router.all('/viber/webhook', (ctx) => {
    ctx.set('allow', 'POST');
    throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed on /viber/webhook: Viber POSTs callbacks.`, undefined, { allow: 'POST' });
  });
  return router;
}
