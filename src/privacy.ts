import { createHash, timingSafeEqual } from 'node:crypto';

/** `+380671234567` → `+380*******67`: enough to tell numbers apart in a log, not enough to call one. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '-';
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '*'.repeat(digits.length);
  return `+${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}

/**
 * A phone number inside a text: a Ukrainian one in any spelling (+380…, 380…, 0…), or "+" and 10–15
 * digits that spaces, dots, dashes or brackets may separate ("+38 (067) 123-45-67"). Dates, error codes
 * and longer digit runs (message tokens) do not match.
 */
const PHONE_IN_TEXT = /\+\d(?:[ ().-]{0,2}\d){9,14}(?![\d])|(?<![\d+])(?:38)?0\d{9}(?!\d)/g;

/**
 * Masks every phone number inside a free text: a provider's refusal that repeats the number ("The 'To'
 * number +380671234567 is not a valid phone number"), an audit target. Callers mask what they know to be
 * a phone already; this is the second line of defence for texts that reach staff views and the audit log.
 */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (match) => maskPhone(match.startsWith('0') ? `+38${match}` : match));
}

/** Masks an opaque identifier (a Viber user id, a token) to its first and last characters. */
export function maskId(id: string | null | undefined): string {
  if (!id) return '-';
  if (id.length <= 6) return '***';
  return `${id.slice(0, 3)}…${id.slice(-2)}`;
}

/**
 * Compares two secrets in constant time. A length mismatch answers false at once: the length of a
 * MAC or a token hash is no secret, only its content is.
 */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = typeof a === 'string' ? Buffer.from(a) : a;
  const right = typeof b === 'string' ? Buffer.from(b) : b;
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Compares a presented secret of any length with the expected one (a bootstrap token) in constant
 * time, without telling the expected one's length: both are hashed first.
 */
export function secretMatches(presented: string, expected: string): boolean {
  return secretsEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(expected).digest());
}
