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
      serializers: { err: errorWithItsCode },
      redact: {
        paths: ['code', '*.code', 'phone', '*.phone', 'phone_number', '*.phone_number', 'text', '*.text', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/**
 * An error as pino writes it, with a system error's code ("SQLITE_BUSY", "ECONNREFUSED") kept as
 * `error_code`: under `code` the censor below would hide it, as it hides confirmation codes.
 */
function errorWithItsCode(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const code = serialized.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) serialized.error_code = code;
  return serialized;
}
