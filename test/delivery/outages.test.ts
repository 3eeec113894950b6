import { expect } from 'chai';
import { waitFor } from '../fakes/http';
import { event, Harness } from '../helpers/harness';

/** Whole providers going away (the cascade tests cover single error answers). */
describe('provider outages', () => {
  let h: Harness;
  const user = 'outage-user';
  const phone = '+380677000001';
  before(async () => {
    h = await new Harness({ SMS_PROVIDER: 'turbosms,twilio' }).start();
    await h.bindPhone(user, phone);
    // The Viber API goes away entirely: connections are refused from now on.
    await h.viber.stop();
  });
  after(() => h.stop());
  afterEach(() => {
    h.turbo.behaviour = () => 'ok';
    h.twilio.behaviour = () => 'ok';
  });

  it('Viber API down: after a few quick tries the SMS goes out', async () => {
    const body = event({ phone_number: phone, code: '6101' });
    const started = Date.now();
    await h.push(body);
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(Date.now() - started).to.be.below(10_000);
    expect(view.attempts.map((a: any) => [a.channel, a.status])).to.deep.equal([
      ['viber', 'failed'],
      ['sms', 'sent'],
    ]);
    expect(view.attempts[0].detail).to.match(/unreachable|ECONNREFUSED/);
    expect(h.turbo.to(phone).filter((sms) => sms.text.includes('6101'))).to.have.length(1);
  });

  it('Viber and every SMS provider down: retried, visible as sending with the reason, sent once one comes back', async () => {
    h.turbo.behaviour = () => 'down';
    h.twilio.behaviour = () => 'down';
    const body = event({ phone_number: phone, code: '6102' });
    await h.push(body);
    const waiting = await waitFor('a failed SMS round', async () => {
      const reply = await h.status(body.id as string);
      return /SMS retry 1/.test(reply.json?.reason ?? '') ? reply.json : null;
    });
    expect(waiting.status).to.equal('sending');
    expect(waiting.reason).to.match(/twilio HTTP 503/);
    expect(waiting.attempts.map((a: any) => [a.provider, a.status])).to.deep.equal([
      ['viber', 'failed'],
      ['turbosms', 'failed'],
      // A 503 is uncertain: TurboSMS is asked once more with the same sequence_id before Twilio; Twilio,
      // which has no such key, is asked whether the SMS exists, and tried once more when it does not.
      ['turbosms', 'failed'],
      ['twilio', 'failed'],
      ['twilio', 'failed'],
    ]);
    expect(h.twilio.listRequests).to.include(phone);
    h.twilio.behaviour = () => 'ok';
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(view.status).to.equal('sent');
    expect(h.twilio.to(phone).filter((sms) => sms.text.includes('6102'))).to.have.length(1);
    const metrics = (await h.http('GET', '/metrics')).text;
    expect(metrics).to.match(/vistka_fallbacks_total\{reason="viber_unreachable"\} 2/);
    expect(metrics).to.match(/vistka_fallbacks_total\{reason="sms_retry_later"\} [1-9]/);
  });

  it('every provider down until the code expires: the event ends failed with the reasons, never silently', async () => {
    h.turbo.behaviour = () => 'down';
    h.twilio.behaviour = () => 'down';
    const body = event({ phone_number: '+380677000002', code: '6103', expires_at: new Date(Date.now() + 2500).toISOString() });
    await h.push(body);
    const view = await h.waitForStatus(body.id as string, 'failed', 'expired');
    expect(view.reason).to.match(/expired/);
    expect(view.attempts.length).to.be.at.least(2);
    expect(h.turbo.to('+380677000002')).to.have.length(0);
    expect(h.twilio.to('+380677000002')).to.have.length(0);
  });
});

describe('a Viber API that hangs while many patients write', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
    h.viber.behaviour = () => 'hang';
  });
  after(() => h.stop());

  it('keeps half the worker for the codes: an SMS goes out while the chat replies wait for Viber', async () => {
    // More replies than the worker's 64 slots, each held for the Viber timeout (5 s).
    for (let i = 0; i < 80; i += 1) await h.say(`hanging-chat-${i}`, 'привіт');
    await waitFor('the replies in flight', () => h.viber.unanswered.length >= 32);
    const body = event({ phone_number: '+380677000090', code: '6190' });
    await h.push(body);
    // Before the first replies time out, so without a slot of its own it could not have gone.
    await waitFor('the SMS', () => h.turbo.to('+380677000090')[0], 3000);
    expect(h.viber.unanswered.length).to.be.at.most(32);
  });
});
