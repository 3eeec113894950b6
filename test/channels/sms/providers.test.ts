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

/** A server answering every request with `status` and `body` (text as it is, an object as JSON). */
async function answeringWith<T>(status: number, body: string | object, use: (origin: string) => Promise<T>): Promise<T> {
  const server = await new LoopbackServer((_req, _body, res) => {
    if (typeof body === 'string') {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    } else sendJson(res, status, body);
  }).start();
  try {
    return await use(server.origin);
  } finally {
    await server.stop();
  }
}
const turboAt = (origin: string) => new TurboSmsProvider({ token: 't', sender: 'eHealth', apiUrl: origin });
const twilioAt = (origin: string) => new TwilioProvider({ accountSid: 'AC1', authToken: 't', from: '+15005550006', apiUrl: origin });

describe('replies that are not the provider\'s JSON', () => {
  const sendThrough = (make: typeof turboAt | typeof twilioAt, status: number, body: string) => answeringWith(status, body, (origin) => make(origin).send(message));
  const turbo = turboAt;
  const twilio = twilioAt;

  it('never throws: TurboSMS null, an array or a string is an uncertain failure (the retry carries the same sequence_id)', async () => {
    for (const body of ['null', '[]', '"ok"', '42', '{"response_code":800,"response_result":[null]}']) {
      const outcome = await sendThrough(turbo, 200, body);
      if (body.startsWith('{')) expect(outcome.ok, body).to.equal(true);
      else expect(outcome, body).to.deep.include({ ok: false, permanent: false, uncertain: true });
    }
  });

  it('never throws: a Twilio 201 it cannot read counts as sent, since Twilio created the message', async () => {
    for (const body of ['null', '[]', 'not json', '{"sid":42}']) {
      const outcome = await sendThrough(twilio, 201, body);
      expect(outcome.ok, body).to.equal(true);
    }
    expect(await sendThrough(twilio, 400, 'null')).to.deep.include({ ok: false, permanent: false });
  });

  it('takes a Twilio 2xx without a message SID for what it is: the error it names, or not sent', async () => {
    // Twilio's error JSON under a 200 (a proxy in between): the named error, permanent for an invalid number.
    expect(await sendThrough(twilio, 200, JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }))).to.deep.include({ ok: false, permanent: true });
    expect(await sendThrough(twilio, 200, JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }))).to.deep.include({ ok: false, permanent: false });
    // A page or nothing under 200 or 204: no message was created that we know of; the cascade goes on.
    for (const [status, body] of [[200, '<html>ok</html>'], [200, ''], [204, '']] as const) {
      expect(await sendThrough(twilio, status, body), `${status} ${body}`).to.deep.include({ ok: false, permanent: false, uncertain: true });
    }
  });

  it('takes TurboSMS\'s "OK" for the number without a message id as sent, and an answer with no code at all as uncertain', async () => {
    const accepted = await sendThrough(turbo, 200, JSON.stringify({ response_code: 800, response_result: [{ phone: '380671234567', response_code: 0, response_status: 'OK' }] }));
    expect(accepted.ok).to.equal(true);
    expect(await sendThrough(turbo, 200, '{}')).to.deep.include({ ok: false, permanent: false, uncertain: true });
  });
});

describe('delivery reports', () => {
  const reportFrom = (make: typeof turboAt | typeof twilioAt, status: number, body: string | object, id = 'm-1') =>
    answeringWith(status, body, (origin) => make(origin).report(id));
  const turbo = turboAt;
  const twilio = twilioAt;
  const turboEntry = (status: string, code = 0) => ({ response_code: 0, response_status: 'OK', response_result: [{ message_id: 'm-1', response_code: code, status }] });

  it('reads TurboSMS statuses: delivered or read, final failures, and anything else as not yet known', async () => {
    expect(await reportFrom(turbo, 200, turboEntry('Delivered'))).to.deep.equal({ kind: 'delivered' });
    expect(await reportFrom(turbo, 200, turboEntry('Read'))).to.deep.equal({ kind: 'delivered' });
    expect(await reportFrom(turbo, 200, turboEntry('Expired'))).to.deep.equal({ kind: 'undelivered', reason: 'turbosms Expired' });
    expect(await reportFrom(turbo, 200, turboEntry('Rejected'))).to.deep.equal({ kind: 'undelivered', reason: 'turbosms Rejected' });
    for (const status of ['Queued', 'Accepted', 'Sent', 'Enroute', 'Unknown', '']) {
      expect(await reportFrom(turbo, 200, turboEntry(status)), status).to.deep.equal({ kind: 'pending' });
    }
  });

  it('stops asking TurboSMS about an id it does not know or when it has no status endpoint, and asks again after an outage', async () => {
    expect((await reportFrom(turbo, 200, turboEntry('', 414))).kind).to.equal('unsupported');
    expect((await reportFrom(turbo, 404, { error: 'not found' })).kind).to.equal('unsupported');
    expect((await reportFrom(turbo, 200, turboEntry('Delivered'), 'sequence:42')).kind).to.equal('unsupported');
    expect(await reportFrom(turbo, 503, '<html>down</html>')).to.deep.equal({ kind: 'pending' });
    expect(await reportFrom(turbo, 200, 'not json')).to.deep.equal({ kind: 'pending' });
    expect(await reportFrom(turbo, 200, { response_code: 0, response_result: [{ message_id: 'other', response_code: 0, status: 'Delivered' }] })).to.deep.equal({ kind: 'pending' });
    expect(await new TurboSmsProvider({ token: 't', sender: 'e', apiUrl: 'http://127.0.0.1:9' }).report('m-1')).to.deep.equal({ kind: 'pending' });
  });

  it('reads the Twilio message resource, with the error code of a failure', async () => {
    expect(await reportFrom(twilio, 200, { sid: 'm-1', status: 'delivered' })).to.deep.equal({ kind: 'delivered' });
    expect(await reportFrom(twilio, 200, { sid: 'm-1', status: 'undelivered', error_code: 30003 })).to.deep.equal({ kind: 'undelivered', reason: 'twilio undelivered 30003' });
    expect(await reportFrom(twilio, 200, { sid: 'm-1', status: 'failed', error_code: null })).to.deep.equal({ kind: 'undelivered', reason: 'twilio failed' });
    for (const status of ['queued', 'accepted', 'sending', 'sent', 'scheduled']) {
      expect(await reportFrom(twilio, 200, { sid: 'm-1', status }), status).to.deep.equal({ kind: 'pending' });
    }
    expect((await reportFrom(twilio, 404, { code: 20404, status: 404 })).kind).to.equal('unsupported');
    expect(await reportFrom(twilio, 500, '<html>oops</html>')).to.deep.equal({ kind: 'pending' });
  });
});
