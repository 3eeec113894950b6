import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SmsMessage, SmsOutcome, SmsProvider } from '../channels/sms/provider';
import type { Database } from '../db/database';
import type { Channel, EhealthEvent } from '../entities/EhealthEvent';
import { languageFor, translator } from '../i18n';
import type { Logger } from '../logger';
import { factsOf } from '../messages/facts';
import { smsText } from '../messages/sms-text';
import { type DeliveryMetrics, noMetrics } from '../metrics';
import { isDatabaseUnavailable } from '../db/unavailable';
import { maskPhone } from '../privacy';
import { type ClaimedJob, type JobQueue, type JobState } from './jobs';
import type { ViberDelivery } from './ports';
import { applyPendingReceipts, UNSUBSCRIBED_DURING_WAIT } from './receipts';
import {
  abandonSendingAttempts,
  deactivateSubscriber,
  findViberRecipient,
  insertAttempt,
  loadAttempt,
  loadEvent,
  updateAttempt,
  updateEventStatus,
} from './store';

/** Quick retries of an unreachable Viber API before the SMS: the code is waiting. */
export const VIBER_TRIES = 3;
/**
 * The cascade's own transactions need not wait for the disk: after a process crash they are all
 * there (WAL), and after a power cut the step is simply redone from the last one that was flushed.
 * Only ingest, which answers 202, waits for the disk (see Database.tx).
 */
const BOOKKEEPING = { survivePowerLoss: false } as const;

/** How long the outcome of a send is kept trying to be written while the database cannot take it. */
const OUTCOME_WRITE_WINDOW_MS = 10 * 60_000;

/** SMS retries stop here even for a code that never expires. */
export const SMS_RETRY_WINDOW_MS = 24 * 3600_000;

/**
 * After an uncertain failure (a timeout, a 5xx: the SMS may have gone out), an idempotent provider is
 * tried again this many times, with the same key, before the next provider: the next provider would
 * put a second SMS on the phone, the same provider drops the repeat.
 */
export const UNCERTAIN_RETRIES = 1;
/** How long before such a retry (with jitter: half to all of it). */
export const UNCERTAIN_RETRY_DELAY_MS = 2000;

/**
 * Sends one SMS. Where an earlier try may already have sent it (`inDoubt`), a provider without idempotency keys
 * is asked first (findSent, for messages since `since`): found, it counts as sent; when the provider cannot say,
 * nothing is sent (a later round asks again) rather than a copy each round. `send()` promises not to throw;
 * should a provider break that promise, its SMS may have gone out.
 */
async function sendUnlessSent(provider: SmsProvider, message: SmsMessage, inDoubt: boolean, since: number): Promise<{ outcome: SmsOutcome; alreadySent: boolean }> {
  const found = inDoubt && provider.findSent ? await provider.findSent(message, since).catch(() => undefined) : null;
  if (typeof found === 'string') return { outcome: { ok: true, messageId: found }, alreadySent: true };
  if (found === undefined) {
    const reason = `${provider.name}: could not check whether an earlier try went out, so not sent again`;
    return { outcome: { ok: false, permanent: false, uncertain: true, reason }, alreadySent: false };
  }
  const outcome = await provider
    .send(message)
    .catch((error: unknown): SmsOutcome => ({ ok: false, permanent: false, uncertain: true, reason: `${provider.name} client error: ${String(error)}` }));
  return { outcome, alreadySent: false };
}

/** Delivery reports are asked for this long after the send (as eHealth's own SMS status poller does). */
export const SMS_REPORT_WINDOW_MS = 32 * 60_000;
/** The first delivery report is asked for this long after the send; each next one twice as long after. */
export const SMS_REPORT_FIRST_POLL_MS = 30_000;

/**
 * When to ask for an SMS's delivery report again, after `polls` asks: twice as long after each one,
 * and once more at the end of the window. Null when the window is over.
 */
export function nextReportPoll(sentAt: number, polls: number, now: number, firstMs = SMS_REPORT_FIRST_POLL_MS): number | null {
  const end = sentAt + SMS_REPORT_WINDOW_MS;
  if (now >= end) return null;
  return Math.min(now + firstMs * 2 ** polls, end);
}

export interface CascadeOptions {
  /** Null when no Viber token is configured: every event goes by SMS. */
  viber: ViberDelivery | null;
  sms: SmsProvider[];
  viberTimeoutMs: number;
  /** The first delivery report of an SMS is asked for this long after the send; 0: never asked for. */
  smsReportFirstPollMs?: number;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  metrics?: DeliveryMetrics;
}

/** Delay before the next round of SMS providers: exponential from 2 s, capped at 5 min, with jitter. */
export function smsRetryDelay(round: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 2000 * 2 ** Math.max(0, round - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** An SMS send readied in a transaction, to be made after it. */
interface ReadySms {
  /** No message of this event went out before in any form (no Viber, no earlier SMS, no resend). */
  firstMessage: boolean;
  event: EhealthEvent;
  attemptId: string;
  key: string;
  provider: SmsProvider;
  state: SmsState;
  /** An earlier try through this provider may have sent this SMS (an uncertain failure, a send cut short). */
  inDoubt: boolean;
}

interface SmsState extends JobState {
  providerIndex: number;
  /**
   * The name of the provider at providerIndex when the state was saved: SMS_PROVIDER may list other
   * providers, or the same in another order, after a restart.
   */
  provider?: string;
  /** Rounds over all providers that failed so far. */
  rounds: number;
  startedAt: number;
  /**
   * Idempotency key per provider. Kept while a send's outcome is unknown (a timeout, a crash) so the
   * retry carries the same key and the provider can drop the copy; replaced after a definite refusal.
   */
  keys: Record<string, string>;
  reasons: string[];
  /** The attempt row of the send under way: kept across a crash, so that its retry is the same attempt. */
  attemptId?: string;
  /** Quick retries of the current provider after an uncertain failure (see UNCERTAIN_RETRIES). */
  uncertainRetries: number;
  /**
   * Providers whose current key may have sent the SMS (an uncertain failure with it): the key is kept
   * for every later try through them, whatever comes next, so they can still drop the repeat.
   */
  inDoubt: string[];
  /** Providers whose delivery report said this SMS will not arrive: not tried again in this round. */
  undelivered: string[];
}

/** What an `sms_report` step asks about: the sent SMS and how often its report was asked for. */
interface ReportState {
  attemptId: string;
  provider: string;
  messageId: string;
  sentAt: number;
  polls: number;
}

/**
 * The cascade of one eHealth event, one job step at a time:
 * dispatch (Viber if the phone has a verified subscriber, else SMS) → viber_wait (receipt or timeout)
 * → sms (providers in order, retried with backoff until the code expires). Every step reads and
 * writes the database in short transactions around the network call, never holding one open across it.
 */
export class Cascade {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly metrics: DeliveryMetrics;

  constructor(
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly options: CascadeOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.metrics = options.metrics ?? noMetrics;
  }

  /** Step handlers by job step, for the worker. */
  handlers(): Record<'dispatch' | 'viber_wait' | 'sms' | 'sms_report', (job: ClaimedJob) => Promise<void>> {
    return {
      dispatch: (job) => this.dispatch(job),
      viber_wait: (job) => this.viberWait(job),
      sms: (job) => this.sms(job),
      sms_report: (job) => this.smsReport(job),
    };
  }

  private async dispatch(job: ClaimedJob): Promise<void> {
    const tries = Number(job.state.viberTries ?? 0);
    const prepared = await this.db.tx(async (manager) => {
      const event = await this.currentEvent(manager, job);
      if (!event) return null;
      const subscriber = this.options.viber && event.phone ? await findViberRecipient(manager, event.phone) : null;
      if (!subscriber) return { sms: await this.readySms(manager, job, event, readSmsState({}, this.now())) };
      if (typeof job.state.attemptId === 'string' && job.state.viberInFlight === true) {
        // The last run stopped during its send (a crash, a lost lease): the card may have arrived, and as
        // after a timeout, the SMS is the safer second message than the same card again.
        await updateAttempt(manager, job.state.attemptId, { status: 'failed', detail: 'outcome unknown: the server stopped during the send', at: this.now() });
        await this.setStatus(manager, event, 'sending', event.channel, 'the Viber send was cut short; sending SMS');
        return { sms: await this.readySms(manager, job, event, readSmsState({}, this.now())), cutShort: true as const };
      }
      const attemptId = typeof job.state.attemptId === 'string' ? job.state.attemptId : randomUUID();
      if (!job.state.attemptId) {
        await insertAttempt(manager, {
          id: attemptId,
          eventId: event.id,
          round: event.round,
          channel: 'viber',
          provider: 'viber',
          recipientId: subscriber.viberId,
          now: this.now(),
        });
      }
      await this.setStatus(manager, event, 'sending', event.channel, null);
      // Marked in flight until its outcome is written, so that a run cut short is known as such.
      await this.queue.checkpoint(manager, job.id, { ...job.state, attemptId, viberInFlight: true });
      return { event, subscriber, attemptId };
    }, BOOKKEEPING);
    if (prepared === null) return;
    // Straight on to the SMS in this same run, readied in the same transaction: no round trip through the queue.
    if ('sms' in prepared) {
      if ('cutShort' in prepared) this.metrics.fallback('viber_unreachable');
      return this.sms(job, prepared.sms);
    }
    const { event, subscriber, attemptId } = prepared;
    const startedAt = performance.now();
    // The event's first message at all; a staff resend (a later round) is not.
    if (tries === 0 && event.round === 0) this.metrics.timeToFirstSend('viber', (this.now() - event.createdAt) / 1000);
    const outcome = await (this.options.viber as ViberDelivery).deliver(subscriber.viberId, factsOf(event), languageFor(subscriber.language));
    this.metrics.sendLatency('viber', 'viber', (performance.now() - startedAt) / 1000);
    this.metrics.delivery('viber', 'viber', outcome.kind);

    const next = await this.writeOutcome(() => this.db.tx(async (manager): Promise<'wait' | 'retry' | { sms: ReadySms | null }> => {
      const now = this.now();
      if (outcome.kind === 'sent') {
        await updateAttempt(manager, attemptId, { status: 'sent', detail: null, externalId: outcome.messageToken, at: now });
        await this.setStatus(manager, event, 'sent', 'viber', null);
        await this.queue.advance(manager, job.id, { step: 'viber_wait', dueAt: now + this.options.viberTimeoutMs, state: { attemptId } });
        await applyPendingReceipts(
          manager,
          { id: attemptId, eventId: event.id, round: event.round, status: 'sent', detail: null, externalId: outcome.messageToken },
          now,
        );
        return 'wait';
      }
      // A timeout is not retried: the card may have arrived, and the SMS is the safer second message.
      if (outcome.kind === 'unreachable' && !outcome.uncertain && tries + 1 < VIBER_TRIES) {
        await updateAttempt(manager, attemptId, { status: 'sending', detail: `try ${tries + 1}: ${outcome.reason}`, at: now });
        await this.queue.advance(manager, job.id, { step: 'dispatch', dueAt: now + 1000 * 2 ** tries, state: { attemptId, viberTries: tries + 1 } });
        return 'retry';
      }
      await updateAttempt(manager, attemptId, { status: 'failed', detail: outcome.reason, at: now });
      if (outcome.kind === 'refused' && (outcome.status === 5 || outcome.status === 6)) {
        // Viber says this user can no longer be reached: the phone is not "on Viber" any more.
        await deactivateSubscriber(manager, subscriber.viberId, now);
      }
      await this.setStatus(manager, event, 'sending', 'viber', `${outcome.reason}; sending SMS`);
      return { sms: await this.readySms(manager, job, event, readSmsState({}, now)) };
    }, BOOKKEEPING), event);
    this.options.logger.info(
      { event: event.id, channel: 'viber', outcome: outcome.kind, to: maskPhone(event.phone) },
      'viber send',
    );
    if (typeof next === 'object') {
      this.metrics.fallback(outcome.kind === 'refused' ? 'viber_refused' : 'viber_unreachable');
      await this.sms(job, next.sms);
    }
  }

  private async viberWait(job: ClaimedJob): Promise<void> {
    const movedOn = await this.db.tx(async (manager): Promise<false | { sms: ReadySms | null }> => {
      const event = await this.currentEvent(manager, job);
      if (!event) return false;
      const attempt = await loadAttempt(manager, String(job.state.attemptId));
      if (attempt && (attempt.status === 'delivered' || attempt.status === 'seen')) {
        await this.queue.finish(manager, job.id);
        return false;
      }
      const seconds = Math.round(this.options.viberTimeoutMs / 1000);
      const unsubscribed = attempt?.detail === UNSUBSCRIBED_DURING_WAIT;
      if (attempt && attempt.status !== 'failed' && !unsubscribed) {
        await updateAttempt(manager, attempt.id, { status: attempt.status, detail: `no delivered receipt within ${seconds} s`, at: this.now() });
      }
      const why = unsubscribed ? `${UNSUBSCRIBED_DURING_WAIT}; sending SMS` : `Viber did not confirm delivery within ${seconds} s; sending SMS`;
      await this.setStatus(manager, event, 'sending', event.channel, why);
      return { sms: await this.readySms(manager, job, event, readSmsState({}, this.now())) };
    }, BOOKKEEPING);
    if (movedOn) {
      this.metrics.fallback('viber_timeout');
      await this.sms(job, movedOn.sms);
    }
  }

  /**
   * Inside a transaction: makes the job an SMS step and readies the send through the provider its
   * state points at (the attempt row, the idempotency key). Null when there is nothing to send.
   */
  private async readySms(manager: EntityManager, job: ClaimedJob, event: EhealthEvent, state: SmsState): Promise<ReadySms | null> {
    const provider = this.options.sms[state.providerIndex];
    if (!provider) {
      await this.setStatus(manager, event, 'failed', event.channel, 'no SMS provider is left to try');
      await this.queue.finish(manager, job.id);
      return null;
    }
    state.provider = provider.name;
    const firstMessage =
      event.round === 0 && event.channel === null && state.rounds === 0 && state.providerIndex === 0 && state.uncertainRetries === 0;
    const named = state.attemptId;
    const attemptId = await this.smsAttempt(manager, event, provider.name, state);
    // The attempt the state named was still `sending` and is used again: a send through it was cut short.
    const cutShort = named !== undefined && attemptId === named;
    const inDoubt = state.inDoubt.includes(provider.name) || cutShort;
    const key = (state.keys[provider.name] ??= `${event.id}:${event.round}:${provider.name}:${randomUUID()}`);
    // The channel stays what it was until an SMS goes out: a Viber receipt still counts meanwhile.
    await this.setStatus(manager, event, 'sending', event.channel, event.reason);
    // Saved before the send, so that a crash during it retries with the same key.
    await this.queue.moveOn(manager, job.id, 'sms', state);
    return { firstMessage, event, attemptId, key, provider, state, inDoubt };
  }

  /**
   * The attempt row of the send about to be made: the one the state names if that send's outcome was
   * never recorded (a crash in the middle), otherwise a new row, named in the state before the send.
   */
  private async smsAttempt(manager: EntityManager, event: EhealthEvent, provider: string, state: SmsState): Promise<string> {
    if (state.attemptId) {
      const existing = await loadAttempt(manager, state.attemptId);
      if (existing && existing.status === 'sending' && existing.provider === provider) return existing.id;
      if (existing && existing.status === 'sending') {
        // A send through a provider SMS_PROVIDER no longer lists, cut short by a restart.
        const detail = `outcome unknown: ${existing.provider} is no longer in SMS_PROVIDER`;
        await updateAttempt(manager, existing.id, { status: 'failed', detail, at: this.now() });
      }
    }
    const id = randomUUID();
    await insertAttempt(manager, { id, eventId: event.id, round: event.round, channel: 'sms', provider, now: this.now() });
    state.attemptId = id;
    return id;
  }

  /**
   * The SMS step: providers in order, each send between two short transactions. `ready` is the first
   * send when an earlier step (dispatch, a Viber failure or timeout) readied it in its own transaction.
   */
  private async sms(job: ClaimedJob, ready?: ReadySms | null): Promise<void> {
    if (ready === null) return;
    const providers = this.options.sms;
    const state = ready?.state ?? atCurrentProvider(readSmsState(job.state, this.now()), providers);
    let prepared: ReadySms | null | undefined = ready;
    for (;;) {
      prepared ??= await this.db.tx(async (manager) => {
        const event = await this.currentEvent(manager, job);
        return event ? this.readySms(manager, job, event, state) : null;
      }, BOOKKEEPING);
      if (!prepared) return;
      const { firstMessage, event, attemptId, key, provider, inDoubt } = prepared;
      prepared = undefined;
      const text = smsText(factsOf(event), translator('uk'));
      if (firstMessage) this.metrics.timeToFirstSend('sms', (this.now() - event.createdAt) / 1000);
      const startedAt = performance.now();
      const { outcome, alreadySent } = await sendUnlessSent(provider, { to: event.phone as string, text, idempotencyKey: key }, inDoubt, state.startedAt);
      if (alreadySent) this.options.logger.info({ event: event.id, provider: provider.name }, 'an earlier uncertain SMS send had gone out: not sent again');
      this.metrics.sendLatency('sms', provider.name, (performance.now() - startedAt) / 1000);
      this.metrics.delivery('sms', provider.name, outcome.ok ? 'sent' : outcome.permanent ? 'rejected' : 'failed');
      this.options.logger.info(
        { event: event.id, channel: 'sms', provider: provider.name, ok: outcome.ok, to: maskPhone(event.phone) },
        'sms send',
      );

      const next = await this.writeOutcome(() => this.db.tx(async (manager): Promise<'done' | 'next'> => {
        const now = this.now();
        // The next try, whatever it is, gets an attempt row of its own.
        delete state.attemptId;
        if (outcome.ok) {
          // Found in the provider's list: this row records no second SMS, only that the first one went out.
          const detail = alreadySent ? 'the earlier try had gone out (found in the provider\'s message list); not sent again' : null;
          await updateAttempt(manager, attemptId, { status: 'sent', detail, externalId: outcome.messageId, at: now });
          await this.setStatus(manager, event, 'sent', 'sms', null);
          if (provider.report && this.options.smsReportFirstPollMs !== 0) {
            const report: ReportState = { attemptId, provider: provider.name, messageId: outcome.messageId, sentAt: now, polls: 0 };
            const dueAt = nextReportPoll(now, 0, now, this.options.smsReportFirstPollMs) as number;
            await this.queue.advance(manager, job.id, { step: 'sms_report', dueAt, state: { ...state, report } });
          } else {
            await this.queue.finish(manager, job.id);
          }
          return 'done';
        }
        await updateAttempt(manager, attemptId, { status: 'failed', detail: outcome.reason, at: now });
        if (outcome.permanent) {
          await this.setStatus(manager, event, 'failed', 'sms', `SMS refused: ${outcome.reason}`);
          await this.queue.finish(manager, job.id);
          return 'done';
        }
        state.reasons = [...state.reasons.slice(-5), outcome.reason];
        if (outcome.uncertain && !state.inDoubt.includes(provider.name)) state.inDoubt.push(provider.name);
        // The same provider once more, shortly: an idempotent one drops the repeat, one that can be asked
        // (findSent) is asked first.
        if (outcome.uncertain && (provider.idempotent || provider.findSent) && state.uncertainRetries < UNCERTAIN_RETRIES) {
          state.uncertainRetries += 1;
          const retryAt = now + Math.round(UNCERTAIN_RETRY_DELAY_MS * (0.5 + this.random() / 2));
          if (event.expiresAt === null || retryAt < event.expiresAt) {
            await this.setStatus(manager, event, 'sending', event.channel, `SMS retry through ${provider.name} after: ${outcome.reason}`);
            await this.queue.advance(manager, job.id, { step: 'sms', dueAt: retryAt, state });
            return 'done';
          }
        }
        state.uncertainRetries = 0;
        // A new key only where no earlier try may have sent it: a definite refusal now does not mean
        // that the timed-out try before it sent nothing.
        if (!state.inDoubt.includes(provider.name)) delete state.keys[provider.name];
        const next = usableProvider(providers, state, state.providerIndex + 1);
        if (next !== null) {
          pointAt(state, providers, next);
          await this.queue.checkpoint(manager, job.id, state);
          this.metrics.fallback('sms_next_provider');
          return 'next';
        }
        const first = usableProvider(providers, state, 0);
        if (first === null) {
          await this.setStatus(manager, event, 'failed', 'sms', `SMS not delivered: ${state.reasons.join('; ')}`);
          await this.queue.finish(manager, job.id);
          return 'done';
        }
        state.rounds += 1;
        pointAt(state, providers, first);
        const retryAt = now + smsRetryDelay(state.rounds, this.random);
        const deadline = Math.min(event.expiresAt ?? Infinity, state.startedAt + SMS_RETRY_WINDOW_MS);
        if (retryAt >= deadline) {
          const why = event.expiresAt !== null && event.expiresAt <= retryAt ? 'the code expired' : 'SMS was retried for 24 h';
          await this.setStatus(manager, event, 'failed', 'sms', `SMS not sent before ${why}: ${state.reasons.join('; ')}`);
          await this.queue.finish(manager, job.id);
          return 'done';
        }
        await this.setStatus(manager, event, 'sending', event.channel, `SMS retry ${state.rounds} after: ${outcome.reason}`);
        await this.queue.advance(manager, job.id, { step: 'sms', dueAt: retryAt, state });
        this.metrics.fallback('sms_retry_later');
        return 'done';
      }, BOOKKEEPING), state, event);
      if (next === 'done') return;
    }
  }

  /**
   * The `sms_report` step: asks the provider whether a sent SMS reached the phone. Delivered ends the
   * cascade as `delivered`; undelivered for good sends it through the next provider (while the code
   * is valid), or fails the event with the provider's reason; no final word yet asks again later,
   * until SMS_REPORT_WINDOW_MS after the send, and the event stays `sent`.
   */
  private async smsReport(job: ClaimedJob): Promise<void> {
    const report = readReportState(job.state);
    const providers = this.options.sms;
    const provider = report ? providers.find((candidate) => candidate.name === report.provider) : undefined;
    // A stale round (a resend), a status moved on meanwhile, a provider no longer configured: nothing to ask.
    const current = (event: EhealthEvent | null): event is EhealthEvent => event !== null && event.round === job.round && event.status === 'sent';
    const asking =
      report !== null &&
      provider?.report !== undefined &&
      (await this.db.tx(async (manager) => current(await loadEvent(manager, job.id)), BOOKKEEPING));
    if (!asking || !report || !provider?.report) {
      await this.db.tx((manager) => this.queue.finish(manager, job.id), BOOKKEEPING);
      return;
    }

    const answer = await provider.report(report.messageId);
    if (answer.kind === 'delivered' || answer.kind === 'undelivered') this.metrics.delivery('sms', provider.name, answer.kind);

    const next = await this.db.tx(async (manager): Promise<ReadySms | null | 'done'> => {
      const now = this.now();
      const event = await loadEvent(manager, job.id);
      if (!current(event)) {
        await this.queue.finish(manager, job.id);
        return 'done';
      }
      if (answer.kind === 'delivered') {
        await updateAttempt(manager, report.attemptId, { status: 'delivered', detail: null, at: now });
        await this.setStatus(manager, event, 'delivered', 'sms', null);
        await this.queue.finish(manager, job.id);
        return 'done';
      }
      if (answer.kind === 'unsupported') {
        await this.queue.finish(manager, job.id);
        return 'done';
      }
      if (answer.kind === 'pending') {
        const dueAt = nextReportPoll(report.sentAt, report.polls + 1, now, this.options.smsReportFirstPollMs);
        if (dueAt === null) {
          const minutes = Math.round(SMS_REPORT_WINDOW_MS / 60_000);
          await updateAttempt(manager, report.attemptId, { status: 'sent', detail: `no delivery report within ${minutes} min`, at: now });
          await this.queue.finish(manager, job.id);
          return 'done';
        }
        await this.queue.advance(manager, job.id, { step: 'sms_report', dueAt, state: { ...job.state, report: { ...report, polls: report.polls + 1 } } });
        return 'done';
      }
      await updateAttempt(manager, report.attemptId, { status: 'failed', detail: answer.reason, at: now });
      const state = readSmsState(job.state, now);
      state.reasons = [...state.reasons.slice(-5), answer.reason];
      // The provider gave up on this SMS: it is not asked again in this round, by any later retry.
      if (!state.undelivered.includes(provider.name)) state.undelivered.push(provider.name);
      const nextIndex = usableProvider(providers, state, providers.indexOf(provider) + 1);
      const valid = event.expiresAt === null || event.expiresAt > now;
      if (nextIndex !== null && valid) {
        pointAt(state, providers, nextIndex);
        this.metrics.fallback('sms_undelivered');
        await this.setStatus(manager, event, 'sending', 'sms', `SMS not delivered (${answer.reason}); sending through ${providers[nextIndex].name}`);
        return this.readySms(manager, job, event, state);
      }
      await this.setStatus(manager, event, 'failed', 'sms', `SMS not delivered: ${answer.reason}`);
      await this.queue.finish(manager, job.id);
      return 'done';
    }, BOOKKEEPING);
    this.options.logger.info(
      { event: job.id, channel: 'sms', provider: provider.name, report: answer.kind },
      'sms delivery report',
    );
    if (next !== 'done') await this.sms(job, next);
  }

  /**
   * The event a job is about, or null when the job is moot: gone, or staff started a new round.
   * An event whose code expired while it waited is marked `expired` and its job ends.
   */
  private async currentEvent(manager: EntityManager, job: ClaimedJob): Promise<EhealthEvent | null> {
    const event = await loadEvent(manager, job.id);
    if (!event || event.round !== job.round) {
      await this.queue.finish(manager, job.id).catch(() => undefined);
      return null;
    }
    if (event.expiresAt !== null && event.expiresAt <= this.now()) {
      await this.setStatus(manager, event, 'expired', event.channel, 'the code expired before it could be delivered');
      // A send cut short (a crash) is not tried again: its attempt must not stay 'sending' for ever.
      await abandonSendingAttempts(manager, event, 'outcome unknown: the code expired before the send could be tried again', this.now());
      await this.queue.finish(manager, job.id);
      return null;
    }
    return event;
  }

  /**
   * Writes what became of a send that went out. Should the database not take it (hung, restarting,
   * locked), the step must not fail: run again, it would send the message a second time (Twilio knows
   * no idempotency key). So the write is tried again, with backoff, for up to OUTCOME_WRITE_WINDOW_MS;
   * the objects the write changes as it goes (the event, the SMS state) are put back before each try.
   */
  private async writeOutcome<T>(write: () => Promise<T>, ...changed: object[]): Promise<T> {
    const before = changed.map((object) => structuredClone({ ...object }));
    const deadline = performance.now() + OUTCOME_WRITE_WINDOW_MS;
    for (let delay = 250; ; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || performance.now() + delay > deadline) throw error;
        this.options.logger.warn({ err: error, retryInMs: delay }, 'could not write the outcome of a send; trying again');
        changed.forEach((object, i) => {
          for (const key of Object.keys(object)) delete (object as Record<string, unknown>)[key];
          Object.assign(object, structuredClone(before[i]));
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async setStatus(
    manager: EntityManager,
    event: EhealthEvent,
    status: EhealthEvent['status'],
    channel: Channel | null,
    reason: string | null,
  ): Promise<void> {
    if (event.status === status && event.channel === channel && event.reason === reason) return;
    if (event.status !== status) this.metrics.eventStatus(event.type, status);
    event.status = status;
    event.channel = channel;
    event.reason = reason;
    event.updatedAt = this.now();
    await updateEventStatus(manager, event.id, { status, channel, reason, at: event.updatedAt });
  }
}

function readSmsState(state: JobState, now: number): SmsState {
  return {
    providerIndex: Number(state.providerIndex ?? 0),
    provider: typeof state.provider === 'string' ? state.provider : undefined,
    rounds: Number(state.rounds ?? 0),
    startedAt: Number(state.startedAt ?? now),
    keys: typeof state.keys === 'object' && state.keys !== null ? { ...(state.keys as Record<string, string>) } : {},
    reasons: Array.isArray(state.reasons) ? (state.reasons as string[]) : [],
    attemptId: typeof state.attemptId === 'string' ? state.attemptId : undefined,
    uncertainRetries: Number(state.uncertainRetries ?? 0),
    inDoubt: Array.isArray(state.inDoubt) ? (state.inDoubt as string[]) : [],
    undelivered: Array.isArray(state.undelivered) ? (state.undelivered as string[]) : [],
  };
}

/** Makes the provider at `index` the next one to ask, by position and by name. */
function pointAt(state: SmsState, providers: SmsProvider[], index: number): void {
  state.providerIndex = index;
  state.provider = providers[index]?.name;
}

/**
 * Points a saved state at its provider in today's SMS_PROVIDER list: the same provider where it is still
 * listed (its idempotency key still applies), otherwise the first usable one, afresh.
 */
function atCurrentProvider(state: SmsState, providers: SmsProvider[]): SmsState {
  if (state.provider === undefined || providers[state.providerIndex]?.name === state.provider) return state;
  const index = providers.findIndex((candidate) => candidate.name === state.provider);
  if (index >= 0) return { ...state, providerIndex: index };
  return { ...state, providerIndex: usableProvider(providers, state, 0) ?? providers.length, uncertainRetries: 0 };
}

/** The first provider from `from` on whose report has not already given up on this SMS, or null. */
function usableProvider(providers: SmsProvider[], state: SmsState, from: number): number | null {
  for (let index = from; index < providers.length; index++) {
    if (!state.undelivered.includes(providers[index].name)) return index;
  }
  return null;
}

function readReportState(state: JobState): ReportState | null {
  const report = state.report as Partial<ReportState> | undefined;
  if (!report || typeof report.attemptId !== 'string' || typeof report.provider !== 'string' || typeof report.messageId !== 'string') return null;
  return { attemptId: report.attemptId, provider: report.provider, messageId: report.messageId, sentAt: Number(report.sentAt), polls: Number(report.polls ?? 0) };
}
