import type { SmsProvider } from '../channels/sms/provider';
import type { Database } from '../db/database';
import { smsRetryDelay } from '../delivery/cascade';
import type { ClaimedJob, JobQueue } from '../delivery/jobs';
import { PhoneClaim } from '../entities/PhoneClaim';
import { languageFor, translator } from '../i18n';
import type { Logger } from '../logger';
import { claimCodeText } from '../messages/sms-text';
import { maskPhone } from '../privacy';
import { queueNotices } from './conversation';
import { askForPhone, displayPhone } from './replies';

export interface ClaimSmsDeps {
  db: Database;
  queue: JobQueue;
  sms: SmsProvider[];
  logger: Logger;
  now: () => number;
  random?: () => number;
}

/**
 * Sends a claim's code by SMS, through the providers in order, retried with backoff until the code
 * expires. If it cannot be sent, the claim dies and the user is told in the chat.
 */
export function claimSmsHandler(deps: ClaimSmsDeps) {
  return async function sendClaimCode(job: ClaimedJob): Promise<void> {
    const { claimId, phone, code, viberId, language } = job.state as Record<string, string>;
    const claim = await deps.db.manager.findOneBy(PhoneClaim, { id: claimId });
    if (!claim || claim.status !== 'pending' || claim.expiresAt <= deps.now()) {
      await deps.db.tx((manager) => deps.queue.finish(manager, job.id));
      return;
    }
    const text = claimCodeText(code, translator(languageFor(language)));
    const reasons: string[] = [];
    let refused = false;
    for (const provider of deps.sms) {
      const outcome = await provider.send({ to: phone, text, idempotencyKey: `${job.id}:${provider.name}:${Number(job.state.rounds ?? 0)}` });
      if (outcome.ok) {
        deps.logger.info({ phone: maskPhone(phone), provider: provider.name }, 'claim code sent by SMS');
        await deps.db.tx((manager) => deps.queue.finish(manager, job.id));
        return;
      }
      reasons.push(outcome.reason);
      if (outcome.permanent) {
        refused = true;
        break;
      }
    }
    const rounds = Number(job.state.rounds ?? 0) + 1;
    const retryAt = deps.now() + smsRetryDelay(rounds, deps.random);
    deps.logger.warn({ phone: maskPhone(phone), reasons }, 'claim code SMS not sent');
    await deps.db.tx(async (manager) => {
      if (!refused && retryAt < claim.expiresAt) {
        await deps.queue.advance(manager, job.id, { step: 'claim_sms', dueAt: retryAt, state: { ...job.state, rounds } });
        return;
      }
      await manager.update(PhoneClaim, { id: claimId }, { status: 'unsent' });
      await deps.queue.finish(manager, job.id);
      const t = translator(languageFor(language));
      await queueNotices(manager, [{ to: viberId, message: askForPhone(t('bot:sms_failed', { phone: displayPhone(phone) }), t) }], deps.now());
    });
  };
}
