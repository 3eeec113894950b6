import type { EntityManager } from 'typeorm';
import { ConfigError } from '../config';
import { secretMatches } from '../privacy';
import type { Actor } from './roles';
import { staffByToken } from './staff';
import { bearerToken } from './tokens';

/** Shorter bootstrap tokens are refused at start: this one opens every admin call. */
export const MIN_ADMIN_TOKEN_LENGTH = 24;

/** The actor of the bootstrap `ADMIN_TOKEN`. */
export const BOOTSTRAP_ACTOR: Actor = { key: 'ADMIN_TOKEN', name: 'ADMIN_TOKEN', role: 'admin', staffId: null };

/** Stops start-up on a guessable ADMIN_TOKEN, naming the variable like every other configuration error. */
export function checkAdminToken(adminToken: string | undefined): void {
  if (adminToken !== undefined && /\s/.test(adminToken)) {
    // A bearer token travels in a header, where a space ends it: such a token could never log in.
    throw new ConfigError('Invalid ADMIN_TOKEN: expected no spaces (e.g. the output of `openssl rand -hex 32`).');
  }
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `Invalid ADMIN_TOKEN: expected at least ${MIN_ADMIN_TOKEN_LENGTH} characters (e.g. the output of \`openssl rand -hex 32\`).`,
    );
  }
}

export type Authentication = { ok: true; actor: Actor } | { ok: false; why: 'no bearer token' | 'unknown token' };

/**
 * Who an `Authorization` header belongs to: the bootstrap ADMIN_TOKEN (compared in constant time)
 * or a current staff member's token.
 */
export async function authenticate(manager: EntityManager, adminToken: string | undefined, header: string | undefined): Promise<Authentication> {
  const token = bearerToken(header);
  if (!token) return { ok: false, why: 'no bearer token' };
  if (adminToken && secretMatches(token, adminToken)) return { ok: true, actor: BOOTSTRAP_ACTOR };
  const member = await staffByToken(manager, token);
  if (!member) return { ok: false, why: 'unknown token' };
  return { ok: true, actor: { key: `staff:${member.id}`, name: member.name, role: member.role, staffId: member.id } };
}
