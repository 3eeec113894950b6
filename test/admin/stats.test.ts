import { expect } from 'chai';
import { fallbackReason, failureReason, kyivMidnight } from '../../src/admin/stats';
import { waitFor } from '../fakes/http';
import { viberCallbacks } from '../fakes/viber-api';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, api, makeStaff } from './helpers';

describe('GET /admin/stats', () => {
  let h: Harness;
  let operator: { token: string };
  const onViber = { user: 'stats-viber-a==', phone: '+380935550001' };
  const leftViber = { user: 'stats-viber-c==', phone: '+380935550003' };

  before(async () => {
    h = await new Harness({ ...ADMIN_ENV, VIBER_DELIVERY_TIMEOUT_S: '5' }).start();
    operator = await makeStaff(h, 'operator');
    await h.bindPhone(onViber.user, onViber.phone);
    await h.bindPhone(leftViber.user, leftViber.phone);

    // Delivered on Viber.
    const a = event({ phone_number: onViber.phone });
    await h.push(a);
    const card = await waitFor('card', () => h.viber.to(onViber.user).find((m) => m.body.type === 'rich_media'));
    // The receipt only once the send is stored: a receipt racing the send is the delivery core's
    // business (and tested there), not what these figures are about.
    await h.waitForChannel(a.id as string, 'viber', 'sent');
    await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', card.token, onViber.user));
    await h.waitForStatus(a.id as string, 'delivered');
    // Viber says the user left: SMS instead.
    h.viber.behaviour = (receiver) => (receiver === leftViber.user ? { status: 6, message: 'receiverNotSubscribed' } : 'ok');
    const c = event({ phone_number: leftViber.phone });
    await h.push(c);
    await h.waitForChannel(c.id as string, 'sms');
    // Not on Viber: SMS at once.
    const b = event({ phone_number: '+380935550002' });
    await h.push(b);
    await h.waitForStatus(b.id as string, 'sent');
    // The SMS provider refuses the number.
    h.turbo.behaviour = (to) => (to === '+380935550004' ? { code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' } : 'ok');
    const d = event({ phone_number: '+380935550004' });
    await h.push(d);
    await h.waitForStatus(d.id as string, 'failed');
    // No phone, and already expired.
    await h.push(event({ phone_number: null }));
    await h.push(event({ phone_number: '+380935550005', expires_at: new Date(Date.now() - 1000).toISOString() }));
  });
  after(() => h.stop());

  it('counts today by type, status and channel, with the Viber share of deliveries', async () => {
    const reply = await api(h, 'GET', '/admin/stats', operator.token);
    expect(reply.status).to.equal(200);
    const today = reply.json.today;
    expect(today.events.total).to.equal(6);
    expect(today.events.by_type).to.deep.equal({ medication_request: 6 });
    expect(today.events.by_status).to.deep.equal({ delivered: 1, sent: 2, failed: 1, print_required: 1, expired: 1 });
    expect(today.events.by_channel).to.deep.equal({ viber: 1, sms: 3, print: 1, none: 1 });
    expect(today.deliveries).to.deep.equal({ total: 3, viber: 1, sms: 2, viber_share: 0.333 });
    expect(reply.json.last_7_days.events.total).to.equal(6);
    expect(Date.parse(today.since)).to.equal(kyivMidnight(Date.now(), 0));
  });

  it('explains the SMS fallbacks and the failures', async () => {
    const { today } = (await api(h, 'GET', '/admin/stats', operator.token)).json;
    expect(today.sms_fallbacks).to.deep.equal({ total: 1, reasons: [{ reason: 'viber status 6 receiverNotSubscribed', count: 1 }] });
    expect(today.failures).to.deep.equal({ total: 1, reasons: [{ reason: 'SMS refused: turbosms 404 NOT_ALLOWED_NUMBER_STOPLIST', count: 1 }] });
  });

  it('counts active subscribers (the one Viber lost is no longer active) and the queue', async () => {
    const { subscribers, queue } = (await api(h, 'GET', '/admin/stats', operator.token)).json;
    expect(subscribers).to.deep.equal({ active: 1, verified: 2, opted_out: 0, unsubscribed: 1 });
    expect(queue.depth).to.be.a('number');
    expect(queue.due_now).to.be.at.most(queue.depth);
    expect(Object.values(queue.by_step).reduce((a: number, b) => a + Number(b), 0)).to.equal(queue.depth);
  });

  it('counts a job a worker holds as in progress, not as waiting', async () => {
    const before = (await api(h, 'GET', '/admin/stats', operator.token)).json.queue;
    const now = Date.now();
    await h.sql("INSERT INTO jobs (id, round, step, due_at, state, locked_by, locked_until, created_at) VALUES (?, 0, 'sms', ?, '{}', 'elsewhere', ?, ?)", [
      'held-by-another-instance', now - 1000, now + 600_000, now - 1000,
    ]);
    const { queue } = (await api(h, 'GET', '/admin/stats', operator.token)).json;
    expect(queue.in_progress).to.equal(before.in_progress + 1);
    expect(queue.depth).to.equal(before.depth);
    expect(queue.due_now).to.equal(before.due_now);
    await h.sql('DELETE FROM jobs WHERE id = ?', ['held-by-another-instance']);
  });
});

describe('stats helpers', () => {
  it('finds midnight in Kyiv across the daylight-saving change', () => {
    // 29 March 2026: clocks go forward at 03:00; the day began at 00:00 EET (UTC+2).
    expect(new Date(kyivMidnight(Date.parse('2026-03-29T12:00:00Z'), 0)).toISOString()).to.equal('2026-03-28T22:00:00.000Z');
    expect(new Date(kyivMidnight(Date.parse('2026-07-01T12:00:00Z'), 0)).toISOString()).to.equal('2026-06-30T21:00:00.000Z');
    expect(new Date(kyivMidnight(Date.parse('2026-03-31T12:00:00Z'), 6)).toISOString()).to.equal('2026-03-24T22:00:00.000Z');
    // 23:30 UTC is already the next day in Kyiv.
    expect(new Date(kyivMidnight(Date.parse('2026-07-01T23:30:00Z'), 0)).toISOString()).to.equal('2026-07-01T21:00:00.000Z');
  });

  it('groups alike reasons, also those that name different phones, and shows no phone', () => {
    expect(fallbackReason('try 2: viber unreachable: ECONNRESET')).to.equal('viber unreachable');
    expect(fallbackReason('no delivered receipt within 60 s')).to.equal('no delivered receipt in time');
    expect(fallbackReason(null)).to.equal('no reason recorded');
    expect(failureReason('SMS not sent before the code expired: turbosms HTTP 503; turbosms HTTP 503')).to.equal('SMS not sent before the code expired: turbosms HTTP 503');
    expect(failureReason('SMS refused: number +380671234567 blocked')).to.equal('SMS refused: number [number] blocked');
    // The same refusal for two numbers is one reason.
    expect(failureReason('SMS refused: twilio HTTP 400 21211 The \'To\' number 0501234599 is not a valid phone number.')).to.equal(
      failureReason('SMS refused: twilio HTTP 400 21211 The \'To\' number +380671112233 is not a valid phone number.'),
    );
  });
});
