import { expect } from 'chai';
import { maskId, maskPhone, maskPhonesInText, secretsEqual } from '../src/privacy';
import { waitFor } from './fakes/http';
import { event, Harness } from './helpers/harness';
import { standalone } from './helpers/standalone';

describe('privacy', () => {
  it('masks phones and ids', () => {
    expect(maskPhone('+380671234567')).to.equal('+380*******67');
    expect(maskId('01234567890abcdef==')).to.equal('012…==');
    expect(secretsEqual('a', 'a')).to.equal(true);
    expect(secretsEqual('a', 'ab')).to.equal(false);
  });

  it('masks phone numbers inside a text, and leaves dates, codes and ids alone', () => {
    expect(maskPhonesInText("The 'To' number +380671234567 is not a valid phone number.")).to.equal("The 'To' number +380*******67 is not a valid phone number.");
    expect(maskPhonesInText('refused 380671234567 and 0671234567, or +38 (067) 123-45-67')).to.equal('refused +380*******67 and +380*******67, or +380*******67');
    const untouched = 'twilio HTTP 400 21211 at 2026-12-21 23:59:59; message 5000000000000000001; event ev-1234567890';
    expect(maskPhonesInText(untouched)).to.equal(untouched);
  });

  describe('the logs of a whole cascade and a phone binding', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness({ VIBER_DELIVERY_TIMEOUT_S: '0.3', LOG_LEVEL: 'debug' }).start();
    });
    after(() => h.stop());

    it('carry neither a confirmation code nor a full phone number', async () => {
      await h.bindPhone('private-user', '+380679876543');
      const viaViber = event({ phone_number: '+380679876543', code: '8642' });
      const viaSms = event({ phone_number: '+380679876500', code: '9753' });
      await h.push(viaViber);
      await h.push(viaSms);
      await h.waitForChannel(viaViber.id as string, 'sms');
      await h.waitForChannel(viaSms.id as string, 'sms');
      await waitFor('logs', () => h.logs.length > 5);
      const logs = h.logs.join('\n');
      const claimCode = /(\d{6})/.exec(h.turbo.to('+380679876543')[0].text)?.[1] as string;
      for (const secret of ['8642', '9753', claimCode, '380679876543', '0679876543', '380679876500']) {
        expect(logs, secret).to.not.match(standalone(secret));
      }
      expect(logs).to.contain('+380*******43');
    });
  });
});
