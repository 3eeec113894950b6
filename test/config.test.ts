import { expect } from 'chai';
import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('runs with no settings at all: SQLite file, console SMS, Viber off', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.host).to.equal('0.0.0.0');
    expect(config.database).to.deep.equal({ kind: 'sqlite', path: 'data/vistka.sqlite' });
    expect(config.sms.providers).to.deep.equal(['console']);
    expect(config.viber.authToken).to.equal(undefined);
    expect(config.viber.apiUrl).to.equal('https://chatapi.viber.com/pa');
    expect(config.viber.deliveryTimeoutS).to.equal(60);
    expect(config.sms.reportPollS).to.equal(30);
    expect(loadConfig({ SMS_REPORT_POLL_S: '0' }).sms.reportPollS).to.equal(0);
  });

  it('stops on an invalid value with one line naming the variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: 'abc' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ VIBER_API_URL: 'not a url' }, 'VIBER_API_URL'],
      [{ VIBER_DELIVERY_TIMEOUT_S: '0' }, 'VIBER_DELIVERY_TIMEOUT_S'],
      [{ VIBER_BOT_NAME: 'x'.repeat(29) }, 'VIBER_BOT_NAME'],
      [{ SMS_REPORT_POLL_S: '-1' }, 'SMS_REPORT_POLL_S'],
      [{ SMS_REPORT_POLL_S: '3601' }, 'SMS_REPORT_POLL_S'],
      [{ SMS_PROVIDER: 'pigeon' }, 'SMS_PROVIDER'],
      [{ SMS_PROVIDER: 'turbosms' }, 'TURBOSMS_TOKEN'],
      [{ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' }, 'TWILIO_FROM'],
      [{ NODE_ENV: 'production' }, 'SMS_PROVIDER'],
      [{ NODE_ENV: 'production', SMS_PROVIDER: 'console' }, 'SMS_PROVIDER'],
      [{ NODE_ENV: 'Production', SMS_PROVIDER: 'console' }, 'SMS_PROVIDER'],
      [{ VIBER_DELIVERY_TIMEOUT_S: '99999999999999999999' }, 'VIBER_DELIVERY_TIMEOUT_S'],
      [{ VIBER_DELIVERY_TIMEOUT_S: '3601' }, 'VIBER_DELIVERY_TIMEOUT_S'],
      [{ JOB_LEASE_S: '86400' }, 'JOB_LEASE_S'],
      [{ JOB_LEASE_S: '0.05' }, 'JOB_LEASE_S'],
      [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    ];
    for (const [env, name] of cases) {
      expect(() => loadConfig(env), name).to.throw(ConfigError, name);
      try {
        loadConfig(env);
      } catch (error) {
        expect((error as Error).message).to.not.contain('\n');
      }
    }
  });

  it('reads a failover list and a postgres URL', () => {
    const config = loadConfig({
      SMS_PROVIDER: 'turbosms, twilio',
      TURBOSMS_TOKEN: 't',
      TURBOSMS_SENDER: 'eHealth',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 't',
      TWILIO_FROM: '+15005550006',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/vistka',
    });
    expect(config.sms.providers).to.deep.equal(['turbosms', 'twilio']);
    expect(config.database.kind).to.equal('postgres');
  });
});
