import type { SmsProviderName } from '../../config';

export interface SmsMessage {
  /** E.164, `+380XXXXXXXXX`. */
  to: string;
  text: string;
  /** The same key for every retry of one send, so a provider that supports it sends once. */
  idempotencyKey: string;
}

/**
 * What a provider said. `permanent` means no retry and no other provider can help (invalid number,
 * stop list); anything else is temporary and the cascade retries or moves to the next provider.
 * `uncertain` marks a failure after which the SMS may have gone out anyway (a timeout, a 5xx).
 */
export type SmsOutcome =
  | { ok: true; messageId: string }
  | { ok: false; permanent: boolean; reason: string; uncertain?: boolean };

/**
 * What a provider's delivery report says about one SMS it accepted: `delivered` to the handset;
 * `undelivered` for good (expired on a phone that stayed off, rejected by the network); `pending`
 * while no final word is known (or the report could not be read this time); `unsupported` when this
 * provider or account keeps no reports for it, so asking again is pointless.
 */
export type SmsReport =
  | { kind: 'delivered' }
  | { kind: 'undelivered'; reason: string }
  | { kind: 'pending' }
  | { kind: 'unsupported'; reason: string };

/** One SMS provider. `send` and `report` never throw: transport errors come back as temporary failures. */
export interface SmsProvider {
  readonly name: SmsProviderName;
  /**
   * The provider drops a repeat of a request with the same idempotency key (TurboSMS's `sequence_id`):
   * after an uncertain failure, trying it again cannot put a second SMS on the phone.
   */
  readonly idempotent: boolean;
  send(message: SmsMessage): Promise<SmsOutcome>;
  /**
   * For a provider without idempotency keys: the id of a message to `message.to` with exactly this text that
   * it created at or after `since` (epoch ms); null when it says there is none; undefined when it could not
   * tell (then nothing is sent: an earlier, uncertain try may have gone out). Asked before such a send.
   */
  findSent?(message: SmsMessage, since: number): Promise<string | null | undefined>;
  /** Asks for the delivery report of a sent SMS (`messageId` from `send`); absent: the provider has none. */
  report?(messageId: string): Promise<SmsReport>;
}
