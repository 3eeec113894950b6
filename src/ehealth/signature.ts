import { createHmac } from 'node:crypto';
import { secretsEqual } from '../privacy';

/** How far the signing time may be from ours before a push counts as a replay. */
export const SIGNATURE_TOLERANCE_S = 300;

/** Builds the `X-Ehealth-Signature` value for `body` signed at `timestamp` (unix seconds). */
export function signEhealthPayload(secret: string, body: string | Buffer, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `X-Ehealth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
 * in constant time, and refuses a signature more than 300 s away from `now`.
 */
export function verifyEhealthSignature(
  secret: string,
  header: string | undefined,
  body: Buffer,
  now: number = Date.now(),
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing X-Ehealth-Signature header' };
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const signatures = parts.get('v1') ?? [];
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) {
    return { ok: false, reason: 'malformed X-Ehealth-Signature: expected t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  }
  // Whole seconds on both sides, as `t` is: 300 s early and 300 s late are both still accepted.
  if (Math.abs(Math.floor(now / 1000) - Number(t)) > SIGNATURE_TOLERANCE_S) {
    return { ok: false, reason: 'stale X-Ehealth-Signature: the timestamp is more than 300 s from the server clock' };
  }
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  // Check every v1 so that a secret rotation can send two signatures; no early exit on a match.
  let matched = false;
  for (const signature of signatures) matched = secretsEqual(signature.toLowerCase(), expected) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'X-Ehealth-Signature does not match the body' };
}
