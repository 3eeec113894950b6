import { createHmac } from 'node:crypto';
import { secretsEqual } from '../../privacy';

/** `X-Viber-Content-Signature`: hex HMAC-SHA256 of the raw body bytes, keyed with the bot's auth token. */
export function viberSignature(authToken: string, body: Buffer | string): string {
  return createHmac('sha256', authToken).update(body).digest('hex');
}

/** Checks a callback's signature in constant time. */
export function isViberSignatureValid(authToken: string, header: string | undefined, body: Buffer): boolean {
  if (!header) return false;
  return secretsEqual(header.trim().toLowerCase(), viberSignature(authToken, body));
}
