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
 * Compares two secrets in constant time. Both sides are hashed first so that the comparison
 * takes the same time whatever the lengths, and `timingSafeEqual` never throws on a length mismatch.
 */
export function secretsEqual(a: string | Buffer, b: string | Buffer): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
