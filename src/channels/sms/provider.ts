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

/** One SMS provider. `send` never throws: transport errors come back as temporary failures. */
export interface SmsProvider {
  readonly name: SmsProviderName;
  send(message: SmsMessage): Promise<SmsOutcome>;
}
