import { createHash, timingSafeEqual } from 'node:crypto';

/** `+380671234567` → `+380*******67`: enough to tell numbers apart in a log, not enough to call one. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '-';
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '*'.repeat(digits.length);
  return `+${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
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
