import type { ViberDelivery, ViberSendOutcome } from '../../delivery/ports';
import { type Language, translator } from '../../i18n';
import type { DocumentFacts } from '../../messages/facts';
import { ViberApi, ViberTransportError, VIBER_STATUS } from './api';
import { documentCard, mainKeyboard, type ViberMessage } from './cards';

export interface ViberSender {
  name: string;
  avatar?: string;
}

/** Sends messages to Viber users through the REST Bot API. */
export class ViberChannel implements ViberDelivery {
  constructor(
    readonly api: ViberApi,
    private readonly sender: ViberSender,
  ) {}

  /** The `sender` object every message carries (and the welcome reply, as Viber's example has it). */
  senderObject(): { name: string; avatar?: string } {
    return this.sender.avatar ? { name: this.sender.name, avatar: this.sender.avatar } : { name: this.sender.name };
  }

  /** Sends any message body to one user. Never throws. */
  async send(receiverId: string, message: ViberMessage): Promise<ViberSendOutcome> {
    try {
      const reply = await this.api.sendMessage({ receiver: receiverId, sender: this.senderObject(), ...message });
      if (reply.status === 0 && reply.messageToken) return { kind: 'sent', messageToken: reply.messageToken };
      // Accepted, so probably sent: not tried again (it would arrive twice), but no receipt can be matched.
      if (reply.status === 0) return { kind: 'unreachable', reason: 'Viber accepted the message but returned no message_token', uncertain: true };
      const name = VIBER_STATUS[reply.status] ?? 'error';
      return { kind: 'refused', status: reply.status, reason: `viber status ${reply.status} ${name}: ${reply.statusMessage}` };
    } catch (error) {
      const reason = error instanceof ViberTransportError ? error.message : String(error);
      const uncertain = error instanceof ViberTransportError && error.uncertain;
      return { kind: 'unreachable', reason: `viber unreachable: ${reason}`, uncertain };
    }
  }

  deliver(receiverId: string, facts: DocumentFacts, language: Language): Promise<ViberSendOutcome> {
    const t = translator(language);
    return this.send(receiverId, { ...documentCard(facts, t, language), keyboard: mainKeyboard(t) });
  }
}
