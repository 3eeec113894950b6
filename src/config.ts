import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Raised for an invalid environment variable; the message is one line naming it. */
export class ConfigError extends Error {}

export type SmsProviderName = 'turbosms' | 'twilio' | 'console';
export const SMS_PROVIDER_NAMES: readonly SmsProviderName[] = ['turbosms', 'twilio', 'console'];

/** `queryTimeoutMs` (PostgreSQL, 30 s when absent): how long a query may take before it fails; tests shorten it. */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; queryTimeoutMs?: number };

export interface Config {
  nodeEnv: string;
  port: number;
  host: string;
  logLevel: string;
  database: DatabaseConfig;
  ehealthWebhookSecret?: string;
  publicUrl?: string;
  adminToken?: string;
  /** Behind a reverse proxy: the client's address is the last X-Forwarded-For entry (the proxy's own). */
  trustProxy: boolean;
  retentionDays: number;
  /** How long a claimed job stays an instance's without renewal: a dead instance's jobs wait this long. */
  jobLeaseS: number;
  viber: {
    authToken?: string;
    botName: string;
    botAvatar?: string;
    apiUrl: string;
    deliveryTimeoutS: number;
  };
  sms: {
    providers: SmsProviderName[];
    /** Seconds after a send before its delivery report is first asked for; 0: never asked. */
    reportPollS: number;
    turbosms: { token?: string; sender?: string; apiUrl: string };
    twilio: { accountSid?: string; authToken?: string; from?: string; apiUrl: string };
  };
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads `.env` from the working directory into `env`; variables already set win.
 * A missing file is not an error: `.env` is optional.
 */
export function readDotEnv(env: Env = process.env, path = '.env'): void {
  if (!existsSync(path)) return;
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined) env[key] = value;
  }
}

/** Builds the configuration from environment variables, or throws a ConfigError naming the bad one. */
export function loadConfig(env: Env = process.env): Config {
  // "Production" is production too: the console provider, which prints codes, must not slip through.
  const nodeEnv = text(env, 'NODE_ENV')?.toLowerCase() ?? 'development';
  const providers = smsProviders(env, nodeEnv);
  const config: Config = {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    database: database(env),
    ehealthWebhookSecret: text(env, 'EHEALTH_WEBHOOK_SECRET'),
    publicUrl: url(env, 'PUBLIC_URL')?.replace(/\/+$/, ''),
    adminToken: text(env, 'ADMIN_TOKEN'),
    trustProxy: yesNo(env, 'TRUST_PROXY', false),
    retentionDays: integer(env, 'RETENTION_DAYS', 90, 1, 36500),
    // At least a second: a lease shorter than one step's bookkeeping runs out under it (0.05 sent every SMS twice).
    jobLeaseS: positiveNumber(env, 'JOB_LEASE_S', 30, 3600, 1),
    viber: {
      authToken: text(env, 'VIBER_AUTH_TOKEN'),
      botName: maxLength(env, 'VIBER_BOT_NAME', 28) ?? 'eHealth',
      botAvatar: url(env, 'VIBER_BOT_AVATAR'),
      apiUrl: (url(env, 'VIBER_API_URL') ?? 'https://chatapi.viber.com/pa').replace(/\/+$/, ''),
      // At most an hour: the SMS is the guaranteed channel, and a longer wait would only hold the code back.
      deliveryTimeoutS: positiveNumber(env, 'VIBER_DELIVERY_TIMEOUT_S', 60, 3600),
    },
    sms: {
      providers,
      reportPollS: seconds(env, 'SMS_REPORT_POLL_S', 30),
      turbosms: {
        token: text(env, 'TURBOSMS_TOKEN'),
        sender: text(env, 'TURBOSMS_SENDER'),
        apiUrl: (url(env, 'TURBOSMS_API_URL') ?? 'https://api.turbosms.ua').replace(/\/+$/, ''),
      },
      twilio: {
        accountSid: text(env, 'TWILIO_ACCOUNT_SID'),
        authToken: text(env, 'TWILIO_AUTH_TOKEN'),
        from: text(env, 'TWILIO_FROM'),
        apiUrl: (url(env, 'TWILIO_API_URL') ?? 'https://api.twilio.com').replace(/\/+$/, ''),
      },
    },
  };
  requireProviderSettings(config);
  return config;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function fail(name: string, value: string, expected: string): never {
  throw new ConfigError(`Invalid ${name}=${JSON.stringify(value)}: expected ${expected}.`);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) fail(name, raw, `an integer from ${min} to ${max}`);
  return value;
}

/** Seconds above 0 (or from `min`, when given), at most `max`. */
function positiveNumber(env: Env, name: string, fallback: number, max: number, min?: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const inRange = min === undefined ? value > 0 : value >= min;
  const range = min === undefined ? `greater than 0, at most ${max}` : `from ${min} to ${max}`;
  if (!/^\d+(\.\d+)?$/.test(raw) || !inRange || value > max) fail(name, raw, `a number of seconds ${range}`);
  return value;
}

function seconds(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > 3600) fail(name, raw, 'a number of seconds from 0 to 3600');
  return value;
}

function yesNo(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  return fail(name, raw, 'true or false');
}

function oneOf(env: Env, name: string, allowed: string[], fallback: string): string {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw.toLowerCase())) fail(name, raw, `one of ${allowed.join(', ')}`);
  return raw.toLowerCase();
}

function maxLength(env: Env, name: string, max: number): string | undefined {
  const raw = text(env, name);
  if (raw !== undefined && raw.length > max) fail(name, raw, `at most ${max} characters`);
  return raw;
}

function url(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    fail(name, raw, 'an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(name, raw, 'an absolute http(s) URL');
  return raw;
}

/** DATABASE_URL alone, for tools that need nothing else (the admin CLI). */
export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  return database(env);
}

function database(env: Env): DatabaseConfig {
  const raw = text(env, 'DATABASE_URL') ?? 'sqlite:data/vistka.sqlite';
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      fail('DATABASE_URL', raw, 'postgres://user:password@host:port/database');
    }
    return { kind: 'postgres', url: raw };
  }
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(raw);
  if (!match) fail('DATABASE_URL', raw, 'sqlite:<path> or postgres://…');
  return { kind: 'sqlite', path: match[1] };
}

function smsProviders(env: Env, nodeEnv: string): SmsProviderName[] {
  const raw = text(env, 'SMS_PROVIDER');
  if (raw === undefined) {
    if (nodeEnv === 'production') {
      throw new ConfigError('Missing SMS_PROVIDER: production needs a real SMS provider (turbosms, twilio or a comma list).');
    }
    return ['console'];
  }
  const names = raw.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!SMS_PROVIDER_NAMES.includes(name as SmsProviderName)) {
      fail('SMS_PROVIDER', raw, `turbosms, twilio, console or a comma list of them`);
    }
  }
  if (new Set(names).size !== names.length) fail('SMS_PROVIDER', raw, 'each provider at most once');
  if (names.includes('console') && nodeEnv === 'production') {
    fail('SMS_PROVIDER', raw, 'a real provider: console only prints SMS and is refused when NODE_ENV=production');
  }
  return names as SmsProviderName[];
}

function requireProviderSettings(config: Config): void {
  const missing = (name: string, why: string) => {
    throw new ConfigError(`Missing ${name}: ${why}.`);
  };
  if (config.sms.providers.includes('turbosms')) {
    if (!config.sms.turbosms.token) missing('TURBOSMS_TOKEN', 'SMS_PROVIDER includes turbosms');
    if (!config.sms.turbosms.sender) missing('TURBOSMS_SENDER', 'SMS_PROVIDER includes turbosms');
  }
  if (config.sms.providers.includes('twilio')) {
    if (!config.sms.twilio.accountSid) missing('TWILIO_ACCOUNT_SID', 'SMS_PROVIDER includes twilio');
    if (!config.sms.twilio.authToken) missing('TWILIO_AUTH_TOKEN', 'SMS_PROVIDER includes twilio');
    if (!config.sms.twilio.from) missing('TWILIO_FROM', 'SMS_PROVIDER includes twilio');
  }
}
