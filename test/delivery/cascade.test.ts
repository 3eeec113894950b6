import { expect } from 'chai';
import { sleep, waitFor } from '../fakes/http';
import { sequenceId } from '../../src/channels/sms/turbosms';
import { select } from '../../src/db/sql';
import { viberCallbacks } from '../fakes/viber-api';
import { event, Harness } from '../helpers/harness';

describe('the cascade', () => {
  describe('with a patient not on Viber', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness().start();
    });
    after(() => h.stop());

    it('sends the SMS at once in eHealth wording, within one UCS-2 segment', async () => {
      const body = event({ phone_number: '+380671000001' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'sent');
      expect(view.channel).to.equal('sms');
      const [sms] = h.turbo.to('+380671000001');
      expect(sms.text).to.equal('Ваш рецепт: 0000-K8K5-5MTE-352H. Код підтвердження: 1234');
      expect(sms.text.length).to.be.at.most(70);
      expect(sms.sender).to.equal('eHealth');
      expect(h.viber.sent).to.have.length(0);
    });

    it('names the patient in a message to a third person', async () => {
      const body = event({ phone_number: '+380671000002', third_person: true, patient: { id: 'child-1', name: 'Петренко Марія Олександрівна' } });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const [sms] = h.turbo.to('+380671000002');
      expect(sms.text).to.equal('Рецепт для Петренко М. О.: 0000-K8K5-5MTE-352H. Код: 1234');
      expect(sms.text.length).to.be.at.most(70);
    });

    it('saves the SMS step and its idempotency key before the request leaves, so a crash mid-send resends the same one', async () => {
      h.turbo.behaviour = (to) => (to === '+380671000009' ? 'hang' : 'ok');
      try {
        const body = event({ phone_number: '+380671000009' });
        await h.push(body);
        const request = await waitFor('the SMS request', () => h.turbo.requests.find((r: any) => r.recipients[0] === '380671000009'));
        const [job] = await select<{ step: string; state: string }>(h.vistka.db.manager, 'SELECT step, state FROM jobs WHERE id = ?', [body.id]);
        expect(job.step).to.equal('sms');
        const key = JSON.parse(job.state).keys.turbosms as string;
        expect(sequenceId(key)).to.equal((request as any).sequence_id);
      } finally {
        h.turbo.behaviour = () => 'ok';
      }
    });

    it('sends the verification code with eHealth\'s wording', async () => {
      const body = event({ type: 'verification', number: null, phone_number: '+380671000003', code: '4821' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      expect(h.turbo.to('+380671000003')[0].text).to.equal('Код авторизації дій в системі eHealth: 4821');
    });
  });

  describe('with a verified Viber subscriber', () => {
    let h: Harness;
    const user = 'viber-user-A==';
    const phone = '+380672000001';
    before(async () => {
      h = await new Harness({ VIBER_DELIVERY_TIMEOUT_S: '0.6' }).start();
      await h.bindPhone(user, phone);
    });
    after(() => h.stop());

    it('sends a rich card on Viber and, delivered in time, no SMS', async () => {
      const smsBefore = h.turbo.to(phone).length;
      const body = event({ phone_number: phone, third_person: true, patient: { id: 'c', name: 'Петренко Марія' } });
      await h.push(body);
      const sent = await waitFor('viber card', () => h.viber.to(user).find((m) => m.body.type === 'rich_media'));
      const card = sent.body as any;
      expect(card.min_api_version).to.be.at.least(2);
      const texts = card.rich_media.Buttons.map((b: any) => b.Text).join(' ');
      expect(texts).to.contain('0000-K8K5-5MTE-352H').and.contain('1234').and.contain('Петренко Марія').and.contain('Амоксицилін');
      expect(card.alt_text).to.contain('1234').and.contain('0000-K8K5-5MTE-352H');
      expect(card.sender.name).to.equal('eHealth');
      await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', sent.token, user));
      const view = await h.waitForStatus(body.id as string, 'delivered');
      expect(view.channel).to.equal('viber');
      await sleep(900);
      expect(h.turbo.to(phone).length).to.equal(smsBefore);
      expect((await h.status(body.id as string)).json.status).to.equal('delivered');
    });

    it('matches receipts by the exact 64-bit token, above 2^53', async () => {
      const body = event({ phone_number: phone });
      const before = h.viber.to(user).length;
      await h.push(body);
      const sent = await waitFor('viber card', () => h.viber.to(user)[before]);
      expect(BigInt(sent.token) > 2n ** 53n).to.equal(true);
      // A neighbour token that rounds to the same double must not match.
      const neighbour = (BigInt(sent.token) + 1n).toString();
      expect(Number(neighbour)).to.equal(Number(sent.token));
      await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', neighbour, user));
      await sleep(100);
      expect((await h.status(body.id as string)).json.status).to.equal('sent');
      await h.viber.callback(h.webhook, viberCallbacks.receipt('seen', sent.token, user));
      await h.waitForStatus(body.id as string, 'seen');
    });

    it('falls back to SMS at once on a failed callback', async () => {
      const smsBefore = h.turbo.to(phone).length;
      const body = event({ phone_number: phone, code: '5555' });
      await h.push(body);
      const sent = await waitFor('viber card', () => h.viber.to(user).find((m) => JSON.stringify(m.body).includes('5555')));
      await h.viber.callback(h.webhook, viberCallbacks.receipt('failed', sent.token, user, 'Bad parameters'));
      const view = await h.waitForChannel(body.id as string, 'sms');
      expect(view.channel).to.equal('sms');
      expect(h.turbo.to(phone).length).to.equal(smsBefore + 1);
      const viberAttempt = view.attempts.find((a: any) => a.channel === 'viber');
      expect(viberAttempt.status).to.equal('failed');
      expect(viberAttempt.detail).to.contain('Bad parameters');
    });

    it('falls back to SMS when no receipt comes within VIBER_DELIVERY_TIMEOUT_S', async () => {
      const smsBefore = h.turbo.to(phone).length;
      const body = event({ phone_number: phone, code: '6666' });
      const started = Date.now();
      await h.push(body);
      await waitFor('viber card', () => h.viber.to(user).find((m) => JSON.stringify(m.body).includes('6666')));
      const view = await h.waitForChannel(body.id as string, 'sms');
      expect(h.turbo.to(phone).length).to.equal(smsBefore + 1);
      expect(Date.now() - started).to.be.at.least(600);
      expect(view.attempts.map((a: any) => a.channel)).to.deep.equal(['viber', 'sms']);
      expect(h.turbo.to(phone).at(-1)?.text).to.contain('6666');
      // The receipt comes after all: the timeline says so, the event stays with the SMS.
      const card = h.viber.to(user).find((m) => JSON.stringify(m.body).includes('6666'));
      await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', card!.token, user));
      const late = await waitFor('the late receipt', async () => {
        const reply = await h.status(body.id as string);
        return reply.json.attempts[0].status === 'delivered' ? reply.json : null;
      });
      expect(late.attempts[0].detail).to.equal('delivered later, after the cascade moved on (no delivered receipt within 1 s)');
      expect(late.channel).to.equal('sms');
      // The timeline keeps when the card was sent (`at`), apart from when its status last changed.
      const [card0, sms0] = late.attempts;
      expect([card0.round, sms0.round]).to.deep.equal([0, 0]);
      expect(Date.parse(card0.at)).to.be.below(Date.parse(sms0.at) - 500);
      expect(Date.parse(card0.updated_at)).to.be.at.least(Date.parse(sms0.at));
    });

    it('counts a late Viber receipt as delivered when the SMS after it failed', async () => {
      h.turbo.behaviour = (to) => (to.endsWith('672000001') ? { code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' } : 'ok');
      try {
        const body = event({ phone_number: phone, code: '6767' });
        await h.push(body);
        await h.waitForStatus(body.id as string, 'failed');
        const card = h.viber.to(user).find((m) => JSON.stringify(m.body).includes('6767'));
        await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', card!.token, user));
        const view = await h.waitForStatus(body.id as string, 'delivered');
        expect(view.channel).to.equal('viber');
        expect(view.reason).to.contain('Viber delivered later').and.contain('NOT_ALLOWED_NUMBER_STOPLIST');
      } finally {
        h.turbo.behaviour = () => 'ok';
      }
    });

    it('sends the SMS at once when Viber answers 200 with something unreadable, without trying Viber again', async () => {
      h.viber.behaviour = () => 'unreadable';
      try {
        const body = event({ phone_number: phone, code: '7171' });
        await h.push(body);
        const view = await h.waitForStatus(body.id as string, 'sent');
        expect(view.channel).to.equal('sms');
        expect(h.viber.unanswered.filter((m) => JSON.stringify(m.body).includes('7171'))).to.have.length(1);
      } finally {
        h.viber.behaviour = () => 'ok';
      }
    });

    it('sends the SMS at once when Viber does not answer in time, without trying Viber again', async () => {
      h.viber.behaviour = () => 'hang';
      try {
        const body = event({ phone_number: phone, code: '7070' });
        const started = Date.now();
        await h.push(body);
        const view = await h.waitForStatus(body.id as string, 'sent');
        expect(view.channel).to.equal('sms');
        // One Viber timeout (5 s), then the SMS: a second try could put a second card on the phone.
        expect(Date.now() - started).to.be.below(9000);
        expect(h.viber.unanswered.filter((m) => JSON.stringify(m.body).includes('7070'))).to.have.length(1);
        expect(view.attempts[0].detail).to.match(/viber unreachable: .*timeout/i);
      } finally {
        h.viber.behaviour = () => 'ok';
      }
    });

    it('falls back to SMS at once when Viber answers with an error status', async () => {
      h.viber.behaviour = () => ({ status: 12, message: 'tooManyRequests' });
      try {
        const smsBefore = h.turbo.to(phone).length;
        const body = event({ phone_number: phone, code: '7777' });
        await h.push(body);
        const view = await h.waitForStatus(body.id as string, 'sent');
        expect(view.channel).to.equal('sms');
        expect(view.attempts[0]).to.include({ channel: 'viber', status: 'failed' });
        expect(view.attempts[0].detail).to.contain('12');
        expect(h.turbo.to(phone).length).to.equal(smsBefore + 1);
      } finally {
        h.viber.behaviour = () => 'ok';
      }
    });

    it('retries an unreachable Viber API a few times within seconds, then sends the SMS', async () => {
      h.viber.behaviour = () => 'http500';
      try {
        const body = event({ phone_number: phone, code: '8888' });
        const started = Date.now();
        await h.push(body);
        const view = await h.waitForStatus(body.id as string, 'sent');
        expect(view.channel).to.equal('sms');
        expect(view.attempts[0].detail).to.contain('502');
        expect(Date.now() - started).to.be.within(2500, 10_000);
      } finally {
        h.viber.behaviour = () => 'ok';
      }
    });

    it('handles a receipt that arrives before the send\'s response is stored', async () => {
      // The fake answers the send only after we have played Viber's "delivered" for the token it will use.
      const smsBefore = h.turbo.to(phone).length;
      const expectedToken = (BigInt(h.viber.sent.at(-1)?.token ?? '0') + 7919n).toString();
      const original = h.viber.behaviour;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      h.viber.behaviour = () => {
        void (async () => {
          await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', expectedToken, user));
          release();
        })();
        return 'ok';
      };
      const body = event({ phone_number: phone, code: '9191' });
      await h.push(body);
      await gate;
      h.viber.behaviour = original;
      await h.waitForStatus(body.id as string, 'delivered');
      await sleep(900);
      expect(h.turbo.to(phone).length).to.equal(smsBefore);
    });
  });

  describe('SMS providers', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness({ SMS_PROVIDER: 'turbosms,twilio', VIBER_AUTH_TOKEN: '' }).start();
    });
    after(() => h.stop());
    afterEach(() => {
      h.turbo.behaviour = () => 'ok';
      h.twilio.behaviour = () => 'ok';
    });

    it('moves to the next provider when the first is down, after one retry with the same sequence_id', async () => {
      h.turbo.behaviour = () => 'down';
      const body = event({ phone_number: '+380673000001' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'sent');
      // A 503 may have sent the SMS all the same: TurboSMS is asked again with the same sequence_id (it drops a
      // repeat) before Twilio, which would put a second SMS on the phone. Each try is a row of the timeline.
      expect(view.attempts.map((a: any) => [a.provider, a.status, a.detail])).to.deep.equal([
        ['turbosms', 'failed', 'turbosms HTTP 503'],
        ['turbosms', 'failed', 'turbosms HTTP 503'],
        ['twilio', 'sent', null],
      ]);
      const tries = h.turbo.requests.filter((r: any) => r.recipients[0] === '380673000001');
      expect(tries).to.have.length(2);
      expect(tries[0].sequence_id).to.equal(tries[1].sequence_id);
      expect(h.twilio.to('+380673000001')).to.have.length(1);
    });

    it('keeps the sequence_id of a try that may have sent, even after a definite refusal, so a later round sends nothing twice', async () => {
      const phone = '+380673000021';
      const plan: Array<'sent-then-500' | { code: number; status: string } | 'ok'> = ['sent-then-500', { code: 203, status: 'NOT_ENOUGH_MONEY' }, 'ok'];
      h.turbo.behaviour = (to) => (to === phone ? (plan.length > 1 ? (plan.shift() as any) : 'ok') : 'ok');
      h.twilio.behaviour = () => 'down';
      const body = event({ phone_number: phone });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const tries = h.turbo.requests.filter((r: any) => r.recipients[0] === phone.slice(1));
      expect(tries.length).to.be.at.least(3);
      expect(new Set(tries.map((r: any) => String(r.sequence_id))).size).to.equal(1);
      expect(h.turbo.to(phone)).to.have.length(1);
    });

    it('asks Twilio whether a send it answered with a 500 went out, and does not send it again', async () => {
      const phone = '+380673000031';
      h.turbo.behaviour = (to) => (to === phone ? { code: 203, status: 'NOT_ENOUGH_MONEY' } : 'ok');
      let first = true;
      h.twilio.behaviour = (to) => (to === phone && first ? ((first = false), 'sent-then-500') : 'ok');
      const body = event({ phone_number: phone, code: '3131' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'sent');
      expect(h.twilio.to(phone)).to.have.length(1);
      expect(h.twilio.listRequests).to.include(phone);
      const twilioTries = view.attempts.filter((a: any) => a.provider === 'twilio').map((a: any) => [a.status, a.detail]);
      expect(twilioTries).to.deep.equal([
        ['failed', 'twilio HTTP 500'],
        ['sent', "the earlier try had gone out (found in the provider's message list); not sent again"],
      ]);
    });

    it('sends no second copy through Twilio while its message list cannot say whether the first went out', async () => {
      const phone = '+380673000032';
      h.turbo.behaviour = (to) => (to === phone ? { code: 203, status: 'NOT_ENOUGH_MONEY' } : 'ok');
      h.twilio.behaviour = (to) => (to === phone ? 'sent-then-500' : 'ok');
      h.twilio.listDown = true;
      try {
        const body = event({ phone_number: phone, code: '3232' });
        await h.push(body);
        await waitFor('a few rounds', () => h.twilio.listRequests.filter((to) => to === phone).length >= 3, 20_000);
        expect(h.twilio.to(phone)).to.have.length(1);
        h.twilio.listDown = false;
        const view = await h.waitForStatus(body.id as string, 'sent');
        expect(view.channel).to.equal('sms');
        expect(h.twilio.to(phone)).to.have.length(1);
      } finally {
        h.twilio.listDown = false;
      }
    });

    it('moves to the next provider at once after a failure that surely sent nothing', async () => {
      h.turbo.behaviour = () => ({ code: 203, status: 'NOT_ENOUGH_MONEY' });
      const body = event({ phone_number: '+380673000011' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'sent');
      expect(view.attempts.map((a: any) => [a.provider, a.status])).to.deep.equal([
        ['turbosms', 'failed'],
        ['twilio', 'sent'],
      ]);
    });

    it('fails at once with the provider\'s reason on a permanent refusal', async () => {
      h.turbo.behaviour = () => ({ code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' });
      const body = event({ phone_number: '+380673000002' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'failed');
      expect(view.reason).to.contain('NOT_ALLOWED_NUMBER_STOPLIST');
      expect(h.twilio.to('+380673000002')).to.have.length(0);
    });

    it('keeps the phone number a provider repeats in its refusal out of the reason and the timeline', async () => {
      h.turbo.behaviour = () => 'down';
      h.twilio.behaviour = () => ({ code: 21211 });
      const body = event({ phone_number: '+380673000012' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'failed');
      expect(view.reason).to.contain("The 'To' number +380*******12 is not a valid phone number");
      const details = (await h.sql('SELECT detail FROM delivery_attempts WHERE event_id = ?', [body.id])) as Array<{ detail: string | null }>;
      expect(details.map((row) => row.detail).join(' ')).to.contain('+380*******12').and.not.contain('673000012');
      expect(JSON.stringify(view)).to.not.contain('673000012');
    });

    it('retries with backoff while every provider is down, and delivers when one comes back', async () => {
      h.turbo.behaviour = () => 'down';
      h.twilio.behaviour = () => 'down';
      const body = event({ phone_number: '+380673000003' });
      await h.push(body);
      await waitFor('a failed round', async () => (await h.status(body.id as string)).json.reason?.includes('retry'));
      expect((await h.status(body.id as string)).json.status).to.equal('sending');
      h.turbo.behaviour = () => 'ok';
      const view = await h.waitForStatus(body.id as string, 'sent');
      expect(view.channel).to.equal('sms');
      expect(h.turbo.to('+380673000003')).to.have.length(1);
    });

    it('gives up with failed once the code has expired while every provider is down', async () => {
      h.turbo.behaviour = () => 'down';
      h.twilio.behaviour = () => 'down';
      const body = event({ phone_number: '+380673000004', expires_at: new Date(Date.now() + 1500).toISOString() });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'failed', 'expired');
      expect(['failed', 'expired']).to.include(view.status);
      expect(view.reason).to.match(/expired/);
      expect(h.turbo.to('+380673000004')).to.have.length(0);
    });

    it('sends a retried TurboSMS request with the same sequence_id after a timeout, so it goes out once', async () => {
      let calls = 0;
      h.turbo.behaviour = () => (++calls === 1 ? 'down' : 'ok');
      h.twilio.behaviour = () => 'down';
      const body = event({ phone_number: '+380673000005' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const sequenceIds = h.turbo.requests.filter((r: any) => r.recipients[0] === '380673000005').map((r: any) => r.sequence_id);
      expect(sequenceIds).to.have.length(2);
      expect(sequenceIds[0]).to.equal(sequenceIds[1]);
      expect(h.turbo.to('+380673000005')).to.have.length(1);
    });
  });
});
