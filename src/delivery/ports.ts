import type { Language } from '../i18n';
import type { DocumentFacts } from '../messages/facts';

/**
 * What the delivery core needs from the channels, and nothing more: the core never imports a
 * platform SDK or HTTP client. SMS providers implement `SmsProvider` (channels/sms/provider.ts).
 */

export type ViberSendOutcome =
  /** Viber accepted the message; receipts will name this exact 64-bit token. */
  | { kind: 'sent'; messageToken: string }
  /** Viber answered with a non-zero status: no retry helps (5 not registered, 6 not subscribed, …). */
  | { kind: 'refused'; status: number; reason: string }
  /**
   * No answer could be read. Worth a quick retry, unless `uncertain`: the request may have reached
   * Viber (no answer in time), and a retry could put a second card on the phone.
   */
  | { kind: 'unreachable'; reason: string; uncertain?: boolean };

export interface ViberDelivery {
  /** Sends one document message to a subscribed Viber user. Never throws. */
  deliver(receiverId: string, facts: DocumentFacts, language: Language): Promise<ViberSendOutcome>;
}
