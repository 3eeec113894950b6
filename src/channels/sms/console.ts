import { maskPhone } from '../../privacy';
import type { SmsMessage, SmsOutcome, SmsProvider } from './provider';

/**
 * Development only (refused when NODE_ENV=production): prints each SMS to standard output instead of
 * sending it, so that a developer can follow the codes without an SMS account.
 */
export class ConsoleSmsProvider implements SmsProvider {
  readonly name = 'console' as const;
  readonly idempotent = true;
  private sent = 0;

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async send(message: SmsMessage): Promise<SmsOutcome> {
    this.sent += 1;
    this.write(`[console SMS → ${maskPhone(message.to)}] ${message.text}`);
    return { ok: true, messageId: `console-${process.pid}-${this.sent}` };
  }
}
