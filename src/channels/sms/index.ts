import type { Config } from '../../config';
import { ConsoleSmsProvider } from './console';
import type { SmsProvider } from './provider';
import { TurboSmsProvider } from './turbosms';
import { TwilioProvider } from './twilio';

export type { SmsMessage, SmsOutcome, SmsProvider } from './provider';

/** The configured SMS providers, in failover order. */
export function createSmsProviders(config: Config): SmsProvider[] {
  return config.sms.providers.map((name) => {
    switch (name) {
      case 'turbosms': {
        const { token, sender, apiUrl } = config.sms.turbosms;
        return new TurboSmsProvider({ token: token as string, sender: sender as string, apiUrl });
      }
      case 'twilio': {
        const { accountSid, authToken, from, apiUrl } = config.sms.twilio;
        return new TwilioProvider({ accountSid: accountSid as string, authToken: authToken as string, from: from as string, apiUrl });
      }
      case 'console':
        return new ConsoleSmsProvider();
    }
  });
}
