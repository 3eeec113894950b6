import { expect } from 'chai';
import { nextReportPoll, SMS_REPORT_WINDOW_MS } from '../../src/delivery/cascade';
import { select } from '../../src/db/sql';
import { sleep, waitFor } from '../fakes/http';
import { ADMIN_ENV, ADMIN_TOKEN, api } from '../admin/helpers';
import { event, Harness } from '../helpers/harness';

/** The SMS attempts of an event, oldest first, as the status endpoint shows them. */
const smsAttempts = (view: any) => (view.attempts as any[]).filter((attempt) => attempt.channel === 'sms');

describe('SMS delivery reports', () => {
  describe('through TurboSMS, then Twilio', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness({ ...ADMIN_ENV, SMS_PROVIDER: 'turbosms,twilio', VIBER_AUTH_TOKEN: '', SMS_REPORT_POLL_S: '0.1' }).start();
    });
    after(() => h.stop());
    afterEach(() => {
      h.turbo.report = () => 'Delivered';
      h.twilio.report = () => ({ status: 'delivered' });
    });

    it('marks the event delivered once the provider reports the SMS delivered', async () => {
      const body = event({ phone_number: '+380672000001' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'delivered');
      expect(view.channel).to.equal('sms');
      expect(smsAttempts(view).map((attempt) => [attempt.status, attempt.detail])).to.deep.equal([['delivered', null]]);
      const [sms] = h.turbo.to('+380672000001');
      expect(h.turbo.statusRequests.some((ids) => ids.includes(sms.messageId))).to.equal(true);
    });

    it('keeps asking while the report says the SMS is on its way, and stays sent meanwhile', async () => {
      let delivered = false;
      h.turbo.report = () => (delivered ? 'Delivered' : 'Sent');
      const body = event({ phone_number: '+380672000002' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const [sms] = h.turbo.to('+380672000002');
      await waitFor('two status requests', () => h.turbo.statusRequests.filter((ids) => ids.includes(sms.messageId)).length >= 2);
      expect((await h.status(body.id as string)).json.status).to.equal('sent');
      delivered = true;
      await h.waitForStatus(body.id as string, 'delivered');
    });

    it('sends through the next provider when the first reports the SMS undelivered, and names the reason', async () => {
      h.turbo.report = (sms) => (sms.to === '+380672000003' ? 'Expired' : 'Delivered');
      const body = event({ phone_number: '+380672000003' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'delivered');
      expect(smsAttempts(view).map((attempt) => [attempt.status, attempt.detail])).to.deep.equal([
        ['failed', 'turbosms Expired'],
        ['delivered', null],
      ]);
      expect(h.turbo.to('+380672000003')).to.have.length(1);
      expect(h.twilio.to('+380672000003')).to.have.length(1);
      expect(h.twilio.to('+380672000003')[0].text).to.equal(h.turbo.to('+380672000003')[0].text);
    });

    it('fails the event with the reason when the last provider reports it undelivered', async () => {
      h.turbo.report = () => 'Rejected';
      h.twilio.report = () => ({ status: 'undelivered', error_code: 30003 });
      const body = event({ phone_number: '+380672000004' });
      await h.push(body);
      const view = await h.waitForStatus(body.id as string, 'failed');
      expect(view.channel).to.equal('sms');
      expect(smsAttempts(view).map((attempt) => attempt.detail)).to.deep.equal(['turbosms Rejected', 'twilio undelivered 30003']);
      const [row] = await select<{ reason: string }>(h.vistka.db.manager, 'SELECT reason FROM events WHERE id = ?', [body.id]);
      expect(row.reason).to.equal('SMS not delivered: twilio undelivered 30003');
    });

    it('never goes back to a provider that reported the SMS undelivered, even when the next one is down', async () => {
      const phone = '+380672000008';
      h.turbo.report = (sms) => (sms.to === phone ? 'Undelivered' : 'Delivered');
      h.twilio.behaviour = (to) => (to === phone ? 'down' : 'ok');
      try {
        const body = event({ phone_number: phone });
        await h.push(body);
        await waitFor('Twilio tried', () => h.twilio.requests.filter((r) => r.get('To') === phone).length >= 2);
        expect(h.turbo.to(phone)).to.have.length(1);
        h.twilio.behaviour = () => 'ok';
        await h.waitForStatus(body.id as string, 'delivered');
        expect(h.turbo.to(phone)).to.have.length(1);
        expect(h.twilio.to(phone)).to.have.length(1);
      } finally {
        h.twilio.behaviour = () => 'ok';
      }
    });

    it('does not send again through the next provider once the code has expired', async () => {
      h.turbo.report = () => 'Expired';
      // Long enough for the first send on a loaded CI machine; the wait below outlasts it.
      const expiresAt = new Date(Date.now() + 2500).toISOString();
      const body = event({ phone_number: '+380672000005', expires_at: expiresAt });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      // The first report arrives after the code expired.
      h.turbo.report = () => 'Sent';
      await sleep(2600);
      h.turbo.report = () => 'Expired';
      const view = await h.waitForStatus(body.id as string, 'failed');
      expect(view.attempts.map((attempt: any) => attempt.channel)).to.deep.equal(['sms']);
      expect(h.twilio.to('+380672000005')).to.have.length(0);
    });

    it('stops asking a provider that does not know the message, leaving the event sent', async () => {
      const body = event({ phone_number: '+380672000006' });
      h.turbo.report = () => 'Sent';
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const [sms] = h.turbo.to('+380672000006');
      // The provider forgets the message: the next status request gets 414 for its id.
      h.turbo.delivered.splice(h.turbo.delivered.indexOf(sms), 1);
      await waitFor('the job to end', async () => {
        const rows = await select(h.vistka.db.manager, 'SELECT id FROM jobs WHERE id = ?', [body.id]);
        return rows.length === 0;
      });
      const asked = h.turbo.statusRequests.filter((ids) => ids.includes(sms.messageId)).length;
      await sleep(400);
      expect(h.turbo.statusRequests.filter((ids) => ids.includes(sms.messageId)).length).to.equal(asked);
      expect((await h.status(body.id as string)).json.status).to.equal('sent');
    });

    it('lets staff resend while a report is awaited: the old round stops asking', async () => {
      h.turbo.report = () => 'Sent';
      const body = event({ phone_number: '+380672000007' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      const resend = await api(h, 'POST', `/admin/events/${body.id}/resend`, ADMIN_TOKEN);
      expect(resend.status, resend.text).to.equal(202);
      h.turbo.report = () => 'Delivered';
      await h.waitForStatus(body.id as string, 'delivered');
      expect(h.turbo.to('+380672000007')).to.have.length(2);
    });
  });

  describe('through Twilio alone', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness({ SMS_PROVIDER: 'twilio', VIBER_AUTH_TOKEN: '', SMS_REPORT_POLL_S: '0.1' }).start();
    });
    after(() => h.stop());

    it('reads the message resource: read counts as delivered', async () => {
      h.twilio.report = () => ({ status: 'read' });
      const body = event({ phone_number: '+380672000011' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'delivered');
      expect(h.twilio.statusRequests).to.include(h.twilio.to('+380672000011')[0].messageId);
    });
  });

  describe('with SMS_REPORT_POLL_S=0', () => {
    let h: Harness;
    before(async () => {
      h = await new Harness({ VIBER_AUTH_TOKEN: '', SMS_REPORT_POLL_S: '0' }).start();
    });
    after(() => h.stop());

    it('never asks for a report: the event stays sent and its job ends', async () => {
      const body = event({ phone_number: '+380672000021' });
      await h.push(body);
      await h.waitForStatus(body.id as string, 'sent');
      await waitFor('the job to end', async () => (await select(h.vistka.db.manager, 'SELECT id FROM jobs WHERE id = ?', [body.id])).length === 0);
      await sleep(300);
      expect(h.turbo.statusRequests).to.deep.equal([]);
      expect((await h.status(body.id as string)).json.status).to.equal('sent');
    });
  });

  describe('when to ask', () => {
    it('asks after 30 s, then twice as long after each ask, and last at the end of the 32-minute window', () => {
      const sentAt = 1_000_000;
      const asks: number[] = [];
      let now = sentAt;
      for (let polls = 0; ; polls++) {
        const next = nextReportPoll(sentAt, polls, now);
        if (next === null) break;
        asks.push((next - sentAt) / 1000);
        now = next;
      }
      expect(asks).to.deep.equal([30, 90, 210, 450, 930, 1890, SMS_REPORT_WINDOW_MS / 1000]);
    });
  });
});
