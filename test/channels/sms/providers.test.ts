import { expect } from 'chai';
import { TurboSmsProvider } from '../../../src/channels/sms/turbosms';
import { TwilioProvider } from '../../../src/channels/sms/twilio';
import { LoopbackServer, sendJson } from '../../fakes/http';
import { FakeTurboSms, FakeTwilio } from '../../fakes/sms-providers';

const message = { to: '+380671234567', text: 'Ваш рецепт: 0000-K8K5-5MTE-352H. Код підтвердження: 4821', idempotencyKey: 'e-1:0:turbosms:k' };

describe('the TurboSMS client', () => {
  /** A TurboSMS answering every send with `reply` (HTTP 200, its envelope). */
  async function answering(reply: object) {
    const server = await new LoopbackServer((_req, _body, res) => sendJson(res, 200, reply)).start();
    const provider = new TurboSmsProvider({ token: 't', sender: 'eHealth', apiUrl: server.origin });
    try {
      return await provider.send(message);
    } finally {
      await server.stop();
    }
  }

  it('counts an accepted request as sent in each shape seen: recipient 0, recipient 80x, or no recipient entry', async () => {
    const recipient = (code: number) => ({ phone: '380671234567', response_code: code, message_id: 'm-1', response_status: 'OK' });
    expect(await answering({ response_code: 800, response_status: 'SUCCESS_MESSAGE_ACCEPTED', response_result: [recipient(0)] })).to.deep.equal({ ok: true, messageId: 'm-1' });
    expect(await answering({ response_code: 0, response_status: 'OK', response_result: [recipient(800)] })).to.deep.equal({ ok: true, messageId: 'm-1' });
    const bare = await answering({ response_code: 801, response_status: 'SUCCESS_MESSAGE_SENT', response_result: null });
    expect(bare.ok && bare.messageId).to.match(/^sequence:\d+$/);
  });

  it('fails at once for a refused number, in the envelope or in the recipient entry, and leaves account errors to the next provider', async () => {
    const turbo = await new FakeTurboSms().start();
    const provider = new TurboSmsProvider({ token: turbo.token, sender: 'eHealth', apiUrl: turbo.url });
    try {
      turbo.behaviour = () => ({ code: 305, status: 'INVALID_PHONE', recipient: true });
      expect(await provider.send(message)).to.deep.include({ ok: false, permanent: true, reason: 'turbosms 305 INVALID_PHONE' });
      turbo.behaviour = () => ({ code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' });
      expect(await provider.send(message)).to.deep.include({ ok: false, permanent: true });
      for (const [code, status] of [[406, 'NOT_ALLOWED_RECIPIENT_COUNTRY'], [203, 'NOT_ENOUGH_MONEY'], [105, 'REQUIRED_AUTH']] as const) {
        turbo.behaviour = () => ({ code, status });
        expect(await provider.send(message), status).to.deep.include({ ok: false, permanent: false });
      }
      expect(turbo.delivered).to.have.length(0);
    } finally {
      await turbo.stop();
    }
  });
});

describe('the Twilio client', () => {
  let twilio: FakeTwilio;
  const provider = (from = '+15005550006') => new TwilioProvider({ accountSid: twilio.accountSid, authToken: twilio.authToken, from, apiUrl: twilio.url });
  beforeEach(async () => {
    twilio = await new FakeTwilio().start();
  });
  afterEach(() => twilio.stop());

  it('fails at once only for errors about the number; route, sender and rate limits are temporary', async () => {
    for (const code of [21211, 21610, 21614, 21635]) {
      twilio.behaviour = () => ({ code });
      expect(await provider().send(message), String(code)).to.deep.include({ ok: false, permanent: true });
    }
    for (const code of [21612, 21407, 20429]) {
      twilio.behaviour = () => ({ code });
      const outcome = await provider().send(message);
      expect(outcome, String(code)).to.deep.include({ ok: false, permanent: false });
      // A 429 is not processed, so nothing may have gone out: safe to send elsewhere.
      if (code === 20429) expect(outcome.ok === false && outcome.uncertain).to.equal(false);
    }
    twilio.behaviour = () => 'down';
    expect(await provider().send(message)).to.deep.include({ ok: false, permanent: false, uncertain: true });
  });

  it('sends from a Messaging Service only for a real MG SID, not an alphanumeric sender that starts with MG', async () => {
    await provider('MGZdrav').send(message);
    await provider(`MG${'0123456789abcdef'.repeat(2)}`).send(message);
    expect(twilio.delivered.map((sms) => sms.sender)).to.deep.equal(['MGZdrav', `MG${'0123456789abcdef'.repeat(2)}`]);
    expect(twilio.requests.map((form) => [form.has('From'), form.has('MessagingServiceSid')])).to.deep.equal([
      [true, false],
      [false, true],
    ]);
  });
});
