import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The structured JSON logger. Fields that may carry a confirmation code or a full phone number are
 * censored as a second line of defence: callers log masked values (see privacy.ts) in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vistka' },
      redact: {
        paths: ['code', '*.code', 'phone', '*.phone', 'phone_number', '*.phone_number', 'text', '*.text', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
