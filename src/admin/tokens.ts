import { createHash, randomBytes } from 'node:crypto';

/** Prefix of every staff token: recognisable in a secret scanner and in a shell history. */
export const TOKEN_PREFIX = 'vst_';

/** A new token: 32 random bytes (256 bits), so a hash without a salt cannot be reversed or guessed. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The form a token is stored in: hex SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
