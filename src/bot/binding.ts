import { createHash, randomInt, randomUUID } from 'node:crypto';
import { In, MoreThan, Not, type EntityManager } from 'typeorm';
import { putJob } from '../delivery/jobs';
import { PhoneClaim } from '../entities/PhoneClaim';
import { ViberSubscriber } from '../entities/ViberSubscriber';
import { secretsEqual } from '../privacy';

/** The rules of proving a phone, from the issue: 6 digits by SMS, 10 minutes, 3 tries, 5 a day, 1 a minute. */
export const CLAIM_RULES = {
  codeDigits: 6,
  ttlMs: 10 * 60_000,
  maxWrongTries: 3,
  perPhonePerDay: 5,
  perUserPerDay: 10,
  minIntervalMs: 60_000,
  dayMs: 24 * 3600_000,
} as const;

export type ClaimStart =
  | { kind: 'sent'; phone: string; claimId: string }
  | { kind: 'already_bound'; phone: string }
  /** One code a minute (per phone and per chat). */
  /** `ownCode`: this chat waits for a code to this phone; `samePhone`: the last code went to this phone. */
  | { kind: 'too_soon'; retryAt: number; ownCode: boolean; samePhone: boolean }
  | { kind: 'daily_limit'; retryAt: number }
  | { kind: 'user_limit'; retryAt: number };

export type ClaimCheck =
  | { kind: 'verified'; phone: string; previousPhone: string | null; replaced: ViberSubscriber[] }
  | { kind: 'wrong'; triesLeft: number }
  /** The code of an earlier SMS that a newer one replaced: not counted as a wrong try. */
  | { kind: 'superseded' }
  | { kind: 'dead' }
  | { kind: 'expired' }
  | { kind: 'none' };

/** The code is stored only as this hash, salted with the claim's id. */
function hashCode(claimId: string, code: string): string {
  return createHash('sha256').update(`${claimId}:${code}`).digest('hex');
}

/** A pending claim of this user, newest first. */
export async function pendingClaim(manager: EntityManager, viberId: string): Promise<PhoneClaim | null> {
  return manager.findOne(PhoneClaim, { where: { viberId, status: 'pending' }, order: { createdAt: 'DESC' } });
}

/**
 * Starts proving that `phone` belongs to Viber user `viberId`: creates a claim and queues the SMS
 * with its code. The code goes to the phone only, never to the chat, so a shared contact card of
 * someone else's number gets the claimant nothing.
 */
export async function startClaim(
  manager: EntityManager,
  viberId: string,
  phone: string,
  now: number,
  language: string,
): Promise<ClaimStart> {
  const subscriber = await manager.findOneBy(ViberSubscriber, { viberId });
  if (subscriber?.phone === phone && subscriber.verifiedAt !== null && !subscriber.optedOut) {
    return { kind: 'already_bound', phone };
  }
  const since = now - CLAIM_RULES.dayMs;
  // A claim whose SMS could not be sent gave nobody a code: it does not hold the patient back.
  const sent = Not('unsent' as const);
  const forPhone = await manager.find(PhoneClaim, { where: { phone, status: sent, createdAt: MoreThan(since) }, order: { createdAt: 'ASC' } });
  const forUser = await manager.find(PhoneClaim, { where: { viberId, status: sent, createdAt: MoreThan(since) }, order: { createdAt: 'ASC' } });
  const latest = Math.max(forPhone.at(-1)?.createdAt ?? 0, forUser.at(-1)?.createdAt ?? 0);
  if (latest + CLAIM_RULES.minIntervalMs > now) {
    const ownCode = (await manager.countBy(PhoneClaim, { viberId, phone, status: 'pending', expiresAt: MoreThan(now) })) > 0;
    const samePhone = (forPhone.at(-1)?.createdAt ?? 0) === latest;
    return { kind: 'too_soon', retryAt: latest + CLAIM_RULES.minIntervalMs, ownCode, samePhone };
  }
  if (forPhone.length >= CLAIM_RULES.perPhonePerDay) {
    return { kind: 'daily_limit', retryAt: forPhone[forPhone.length - CLAIM_RULES.perPhonePerDay].createdAt + CLAIM_RULES.dayMs };
  }
  if (forUser.length >= CLAIM_RULES.perUserPerDay) {
    return { kind: 'user_limit', retryAt: forUser[forUser.length - CLAIM_RULES.perUserPerDay].createdAt + CLAIM_RULES.dayMs };
  }

  // A new code replaces this user's earlier ones.
  await manager.update(PhoneClaim, { viberId, status: 'pending' }, { status: 'dead' });
  const claimId = randomUUID();
  const code = String(randomInt(0, 10 ** CLAIM_RULES.codeDigits)).padStart(CLAIM_RULES.codeDigits, '0');
  await manager.insert(PhoneClaim, {
    id: claimId,
    viberId,
    phone,
    codeHash: hashCode(claimId, code),
    expiresAt: now + CLAIM_RULES.ttlMs,
    wrongTries: 0,
    status: 'pending',
    createdAt: now,
  });
  // The plain code lives only in this job, which is deleted once the SMS is sent.
  await putJob(manager, { id: `claim:${claimId}`, round: 0, step: 'claim_sms', dueAt: now, state: { claimId, phone, code, viberId, language } }, now);
  return { kind: 'sent', phone, claimId };
}

/** Checks a code typed in the chat against the user's pending claim; the right one binds the phone. */
export async function checkClaimCode(manager: EntityManager, viberId: string, code: string, now: number): Promise<ClaimCheck> {
  const claim = await pendingClaim(manager, viberId);
  if (!claim) return { kind: 'none' };
  if (claim.expiresAt <= now) {
    await manager.update(PhoneClaim, { id: claim.id }, { status: 'dead' });
    return { kind: 'expired' };
  }
  if (!secretsEqual(hashCode(claim.id, code), claim.codeHash)) {
    if (await isReplacedCode(manager, viberId, claim, code, now)) return { kind: 'superseded' };
    const wrongTries = claim.wrongTries + 1;
    const dead = wrongTries >= CLAIM_RULES.maxWrongTries;
    await manager.update(PhoneClaim, { id: claim.id }, { wrongTries, status: dead ? 'dead' : 'pending' });
    return dead ? { kind: 'dead' } : { kind: 'wrong', triesLeft: CLAIM_RULES.maxWrongTries - wrongTries };
  }
  await manager.update(PhoneClaim, { id: claim.id }, { status: 'verified' });
  return { kind: 'verified', ...(await bindPhone(manager, viberId, claim.phone, now)) };
}

/**
 * Whether `code` is that of one of the user's earlier claims for the same phone that the pending one
 * replaced while still valid: the patient typed the first SMS's code after asking again.
 */
async function isReplacedCode(manager: EntityManager, viberId: string, pending: PhoneClaim, code: string, now: number): Promise<boolean> {
  const earlier = await manager.find(PhoneClaim, {
    where: { viberId, phone: pending.phone, status: 'dead', expiresAt: MoreThan(now), createdAt: MoreThan(now - CLAIM_RULES.ttlMs) },
  });
  return earlier.some((claim) => claim.wrongTries < CLAIM_RULES.maxWrongTries && secretsEqual(hashCode(claim.id, code), claim.codeHash));
}

/**
 * Makes `viberId` the one Viber user of `phone`. Whoever had the phone before loses it (and is told by
 * the caller); the user's own previous phone, if any, is replaced.
 */
async function bindPhone(
  manager: EntityManager,
  viberId: string,
  phone: string,
  now: number,
): Promise<{ phone: string; previousPhone: string | null; replaced: ViberSubscriber[] }> {
  const replaced = await manager.find(ViberSubscriber, { where: { phone, viberId: Not(viberId) } });
  if (replaced.length > 0) {
    await manager.update(ViberSubscriber, { viberId: In(replaced.map((s) => s.viberId)) }, { phone: null, verifiedAt: null, updatedAt: now });
  }
  const subscriber = await manager.findOneBy(ViberSubscriber, { viberId });
  const previousPhone = subscriber?.phone && subscriber.phone !== phone ? subscriber.phone : null;
  // Taken over from another Viber user: what was sent to the phone until now was theirs to see, not ours.
  const dataSince = replaced.length > 0 ? now : await ownedSince(manager, viberId, phone, now);
  await manager.update(ViberSubscriber, { viberId }, { phone, verifiedAt: now, dataSince, active: true, optedOut: false, updatedAt: now });
  return { phone, previousPhone, replaced: replaced.filter((s) => s.verifiedAt !== null && s.active && !s.optedOut) };
}

/**
 * Since when the phone's messages are this user's to see: all of them (null) when no other Viber user ever
 * proved the phone; otherwise only those since this user first proved it after the last other one did. A
 * number recycled by the operator, or unbound by staff and proved by someone else, shows its new owner nothing
 * of the old one's.
 */
async function ownedSince(manager: EntityManager, viberId: string, phone: string, now: number): Promise<number | null> {
  const lastByOthers = await manager.findOne(PhoneClaim, {
    where: { phone, status: 'verified', viberId: Not(viberId) },
    order: { createdAt: 'DESC' },
  });
  if (!lastByOthers) return null;
  const firstOwnAfter = await manager.findOne(PhoneClaim, {
    where: { phone, status: 'verified', viberId, createdAt: MoreThan(lastByOthers.createdAt) },
    order: { createdAt: 'ASC' },
  });
  // This user's own claim was marked verified just before this call, so there is one.
  return firstOwnAfter?.createdAt ?? now;
}

/** Ends a binding (staff action): the phone goes back to SMS. Returns the subscriber that had it. */
export async function unbindPhone(manager: EntityManager, phone: string, now: number): Promise<ViberSubscriber[]> {
  const bound = await manager.find(ViberSubscriber, { where: { phone } });
  if (bound.length > 0) {
    await manager.update(ViberSubscriber, { viberId: In(bound.map((s) => s.viberId)) }, { phone: null, verifiedAt: null, updatedAt: now });
  }
  return bound;
}
