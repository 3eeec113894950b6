import { randomUUID } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { StaffMember } from '../entities/StaffMember';
import { StaffToken } from '../entities/StaffToken';
import { secretsEqual } from '../privacy';
import { type StaffRole, STAFF_ROLES, isStaffRole } from './roles';
import { hashToken, newToken } from './tokens';
import { Problems } from './validate';

export interface StaffInput {
  name: string;
  role: StaffRole;
  viberId: string | null;
}

export interface StaffView {
  id: string;
  name: string;
  role: StaffRole;
  viber_id: string | null;
}

export interface StaffListItem extends StaffView {
  created_at: string;
  tokens: number;
}

/** Viber user ids are base64-like strings. */
const VIBER_ID = /^[A-Za-z0-9+/=_.-]{1,64}$/;

/** Validates `{name, role, viber_id?}`, naming every bad field (throws InvalidInput). */
export function parseStaffInput(body: unknown): StaffInput {
  const problems = new Problems();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    problems.add('body', 'must be a JSON object with name, role and optionally viber_id');
    problems.check();
  }
  const input = body as Record<string, unknown>;
  let name = '';
  if (input.name === undefined || input.name === null || input.name === '') problems.add('name', 'is required');
  else if (typeof input.name !== 'string') problems.add('name', 'must be a string');
  else {
    name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length === 0) problems.add('name', 'is required');
    else if (name.length > 100) problems.add('name', 'must be at most 100 characters');
    else if (/[\u0000-\u001f\u007f-\u009f]|\p{Cf}/u.test(name)) problems.add('name', 'must not contain control or invisible formatting characters');
    else if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) {
      problems.add('name', 'contains a broken character (half of a UTF-16 surrogate pair)');
    }
  }
  if (input.role === undefined || input.role === null || input.role === '') problems.add('role', `is required: one of ${STAFF_ROLES.join(', ')}`);
  else if (!isStaffRole(input.role)) problems.add('role', `must be one of ${STAFF_ROLES.join(', ')}`);
  let viberId: string | null = null;
  if (input.viber_id !== undefined && input.viber_id !== null && input.viber_id !== '') {
    if (typeof input.viber_id !== 'string' || !VIBER_ID.test(input.viber_id.trim())) {
      problems.add('viber_id', 'must be a Viber user id: 1–64 characters of A-Z a-z 0-9 + / = _ . -');
    } else {
      viberId = input.viber_id.trim();
    }
  }
  problems.check();
  return { name, role: input.role as StaffRole, viberId };
}

export type CreateStaffOutcome = { kind: 'created'; member: StaffView } | { kind: 'viber_taken'; by: string };

/** Adds a staff member. A Viber id belongs to at most one current member. */
export async function createStaff(manager: EntityManager, input: StaffInput, now: number): Promise<CreateStaffOutcome> {
  if (input.viberId) {
    const holder = await manager.findOneBy(StaffMember, { viberId: input.viberId, removedAt: IsNull() });
    if (holder) return { kind: 'viber_taken', by: holder.id };
  }
  const member: StaffMember = Object.assign(new StaffMember(), {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    viberId: input.viberId,
    createdAt: now,
    removedAt: null,
  });
  await manager.insert(StaffMember, member);
  return { kind: 'created', member: staffView(member) };
}

/** Current staff, oldest first, with how many tokens each holds. */
export async function listStaff(manager: EntityManager): Promise<StaffListItem[]> {
  const members = await manager.find(StaffMember, { where: { removedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  const counts: Array<{ staffId: string; n: string | number }> = await manager
    .createQueryBuilder(StaffToken, 't')
    .select('t.staffId', 'staffId')
    .addSelect('COUNT(*)', 'n')
    .groupBy('t.staffId')
    .getRawMany();
  const tokens = new Map(counts.map((row) => [row.staffId, Number(row.n)]));
  return members.map((member) => ({
    ...staffView(member),
    created_at: new Date(member.createdAt).toISOString(),
    tokens: tokens.get(member.id) ?? 0,
  }));
}

/** A current (not removed) staff member. */
export async function currentStaff(manager: EntityManager, id: string): Promise<StaffMember | null> {
  return manager.findOneBy(StaffMember, { id, removedAt: IsNull() });
}

/** Removes a staff member: their tokens are deleted and their Viber commands stop. Null when there is none. */
export async function removeStaff(manager: EntityManager, id: string, now: number): Promise<StaffView | null> {
  const member = await currentStaff(manager, id);
  if (!member) return null;
  // Only if still current: of two removals at once on PostgreSQL, one removes and the other finds nobody.
  const { affected } = await manager.update(StaffMember, { id, removedAt: IsNull() }, { removedAt: now });
  if (affected === 0) return null;
  await manager.delete(StaffToken, { staffId: id });
  return staffView(member);
}

/**
 * Revokes every API token of a current staff member (a token leaked, a laptop lost), keeping the member and
 * their Viber commands. The number revoked, or null when there is no such member.
 */
export async function revokeTokens(manager: EntityManager, staffId: string): Promise<number | null> {
  const member = await currentStaff(manager, staffId);
  if (!member) return null;
  const { affected } = await manager.delete(StaffToken, { staffId });
  return affected ?? 0;
}

/** Issues a new API token to a current staff member. Returns the token (shown once), or null when there is none. */
export async function issueToken(manager: EntityManager, staffId: string, now: number): Promise<string | null> {
  const member = await currentStaff(manager, staffId);
  if (!member) return null;
  const token = newToken();
  await manager.insert(StaffToken, { id: randomUUID(), staffId, tokenHash: hashToken(token), createdAt: now });
  return token;
}

/**
 * The current staff member a token belongs to. The token's hash is looked up by index (it is 256
 * random bits: the lookup's timing says nothing useful), then compared again in constant time.
 */
export async function staffByToken(manager: EntityManager, token: string): Promise<StaffMember | null> {
  const hash = hashToken(token);
  const stored = await manager.findOneBy(StaffToken, { tokenHash: hash });
  if (!stored || !secretsEqual(stored.tokenHash, hash)) return null;
  return currentStaff(manager, stored.staffId);
}

/** The current staff member with this Viber id, if any. */
export async function staffByViberId(manager: EntityManager, viberId: string): Promise<StaffMember | null> {
  return manager.findOneBy(StaffMember, { viberId, removedAt: IsNull() });
}

export function staffView(member: StaffMember): StaffView {
  return { id: member.id, name: member.name, role: member.role, viber_id: member.viberId };
}
