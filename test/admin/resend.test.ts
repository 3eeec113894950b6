import { expect } from 'chai';
import { EhealthEvent } from '../../src/entities/EhealthEvent';
import { sleep, waitFor } from '../fakes/http';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, api, auditSince, expectAuditFree, lastAuditId, makeStaff } from './helpers';

describe('POST /admin/events/:id/resend', () => {
  let h: Harness;
  let operator: { id: string; token: string };
  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
    operator = await makeStaff(h, 'operator');
  });
  after(() => h.stop());

  it('starts a new cascade for the same event: exactly one new SMS, a new attempt, no new event', async () => {
    const phone = '+380502220001';
    const body = event({ phone_number: phone, code: '7391' });
    await h.push(body);
    await h.waitForStatus(body.id as string, 'sent');
    expect(h.turbo.to(phone)).to.have.length(1);

    const mark = await lastAuditId(h);
    const reply = await api(h, 'POST', `/admin/events/${body.id}/resend`, operator.token);
    expect(reply.status, reply.text).to.equal(202);
    expect(reply.json).to.deep.equal({ id: body.id, status: 'queued', round: 1 });

    await waitFor('the resent SMS', () => h.turbo.to(phone).length === 2);
    const view = await h.waitForStatus(body.id as string, 'sent');
    await sleep(400);
    expect(h.turbo.to(phone)).to.have.length(2);
    expect(h.turbo.to(phone)[1].text).to.equal(h.turbo.to(phone)[0].text);
    expect(view.attempts.filter((a: { channel: string }) => a.channel === 'sms')).to.have.length(2);
    expect(await h.vistka.db.manager.countBy(EhealthEvent, { id: body.id as string })).to.equal(1);
    // The event's first message went out once; the resend is not another first send.
    expect((await h.http('GET', '/metrics')).text).to.match(/^vistka_time_to_first_send_seconds_count\{channel="sms"\} 1$/m);

    const staffView = await api(h, 'GET', `/admin/events/${body.id}`, operator.token);
    expect(staffView.json.round).to.equal(1);
    expect(staffView.json.attempts.map((a: { round: number; channel: string; status: string }) => [a.round, a.channel, a.status])).to.deep.equal([
      [0, 'sms', 'sent'],
      [1, 'sms', 'sent'],
    ]);
    expect(staffView.text).not.to.contain('7391');

    const lines = await auditSince(h, mark);
    expect(lines.map((l) => [l.action, l.actor, l.target, l.outcome, l.detail])).to.deep.equal([
      ['event.resend', `staff:${operator.id}`, `event:${body.id}`, 'ok', 'round 1'],
      ['event.view', `staff:${operator.id}`, `event:${body.id}`, 'ok', null],
    ]);
    await expectAuditFree(h, ['7391', phone, phone.slice(1), `0${phone.slice(4)}`]);
  });

  it('refuses (409) an event without a phone, and it stays print_required', async () => {
    const body = event({ phone_number: null });
    await h.push(body);
    const mark = await lastAuditId(h);
    const reply = await api(h, 'POST', `/admin/events/${body.id}/resend`, operator.token);
    expect(reply.status).to.equal(409);
    expect(reply.json.error.code).to.equal('no_phone');
    expect(reply.json.error.message).to.contain(`/admin/events/${body.id}/note`);
    expect((await h.status(body.id as string)).json.status).to.equal('print_required');
    const [line] = await auditSince(h, mark);
    expect([line.action, line.outcome]).to.deep.equal(['event.resend', 'conflict']);
  });

  it('refuses (409) an event whose code has expired, and sends nothing', async () => {
    const phone = '+380502220002';
    const body = event({ phone_number: phone, expires_at: new Date(Date.now() - 60_000).toISOString() });
    await h.push(body);
    const reply = await api(h, 'POST', `/admin/events/${body.id}/resend`, operator.token);
    expect(reply.status).to.equal(409);
    expect(reply.json.error.code).to.equal('expired');
    await sleep(300);
    expect(h.turbo.to(phone)).to.have.length(0);
    expect((await h.status(body.id as string)).json.status).to.equal('expired');
  });

  it('resends a failed event, and the new round can succeed where the old one failed', async () => {
    const phone = '+380502220003';
    h.turbo.behaviour = (to) => (to === phone ? { code: 305, status: 'INVALID_PHONE' } : 'ok');
    const body = event({ phone_number: phone });
    await h.push(body);
    const failed = await h.waitForStatus(body.id as string, 'failed');
    expect(failed.reason).to.contain('SMS refused');
    h.turbo.behaviour = () => 'ok';
    expect((await api(h, 'POST', `/admin/events/${body.id}/resend`, operator.token)).status).to.equal(202);
    const sent = await h.waitForStatus(body.id as string, 'sent');
    expect(sent.reason).to.equal(null);
    expect(h.turbo.to(phone)).to.have.length(1);
  });

  // Last: it stops the worker.
  it('takes one of several simultaneous resends and answers the others 409 busy; the status counter counts it', async () => {
    const phone = '+380502220011';
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForStatus(body.id as string, 'sent');
    // Nobody takes the job meanwhile: every resend but the first must see it still queued.
    await h.vistka.worker.stop();
    const queuedCount = async () => Number(/^vistka_events_total\{type="medication_request",status="queued"\} (\d+)$/m.exec((await h.http('GET', '/metrics')).text)?.[1]);
    const queuedBefore = await queuedCount();
    const replies = await Promise.all([1, 2, 3, 4, 5].map(() => api(h, 'POST', `/admin/events/${body.id}/resend`, operator.token)));
    expect(replies.map((r) => r.status).sort()).to.deep.equal([202, 409, 409, 409, 409]);
    for (const refused of replies.filter((r) => r.status === 409)) {
      expect(refused.json.error.code).to.equal('busy');
      // SQLite runs them one after another (the later ones find it queued); on PostgreSQL they race and
      // the conditional update lets one win.
      expect(refused.json.error.message).to.match(/still queued|another resend of it won/);
    }
    expect(await queuedCount()).to.equal(queuedBefore + 1);
  });
});
