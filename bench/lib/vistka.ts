import { BENCH_SECRET } from './pushes';
import { SINK_VIBER_TOKEN } from '../provider-sink';
import { Child } from './child';

/** Starts the real server (`src/main`) as `npm start` would, on `databaseUrl`, sending to the sink. */
export function startVistka(databaseUrl: string, sinkUrl: string, extra: Record<string, string> = {}): Promise<Child> {
  return Child.start('src/main', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    EHEALTH_WEBHOOK_SECRET: BENCH_SECRET,
    SMS_PROVIDER: 'turbosms',
    TURBOSMS_TOKEN: 'bench',
    TURBOSMS_SENDER: 'eHealth',
    TURBOSMS_API_URL: sinkUrl,
    ...extra,
  });
}

/** The settings that turn the Viber channel on against the sink. */
export function viberAt(sinkUrl: string): Record<string, string> {
  return { VIBER_AUTH_TOKEN: SINK_VIBER_TOKEN, VIBER_API_URL: `${sinkUrl}/pa` };
}
