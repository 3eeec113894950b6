import { expect } from 'chai';
import { Job } from '../../src/entities/Job';
import { sleep, waitFor } from '../fakes/http';
import { onPostgres } from '../helpers/databases';
import { event, Harness } from '../helpers/harness';

describe('a restart with jobs mid-cascade', () => {
  let h: Harness;
  const user = 'restart-user';
  const phone = '+380674000001';
  before(async () => {
    h = await new Harness({ VIBER_DELIVERY_TIMEOUT_S: '1' }).start();
    await h.bindPhone(user, phone);
  });
  after(() => h.stop());

  /** Leaves an event as a process killed during an SMS send does: the job at its SMS step, the attempt 'sending'. */
  async function smsSendCutShort(eventId: string, provider: string, providerIndex: number, attemptId: string) {
    const now = Date.now();
    const state = { providerIndex, provider, rounds: 0, startedAt: now, keys: { [provider]: `key-${attemptId}` }, reasons: [], attemptId, uncertainRetries: 0, inDoubt: [], undelivered: [] };
    await h.sql(
      "INSERT INTO delivery_attempts (id, event_id, round, channel, provider, status, created_at, updated_at) VALUES (?, ?, 0, 'sms', ?, 'sending', ?, ?)",
      [attemptId, eventId, provider, now, now],
    );
    await h.sql("UPDATE jobs SET step = 'sms', state = ?, due_at = ? WHERE id = ?", [JSON.stringify(state), now, eventId]);
    return state;
  }

  it('keeps the Viber delivery timeout across a restart: the SMS still follows', async () => {
    const body = event({ phone_number: phone, code: '3131' });
    await h.push(body);
    await waitFor('viber card', () => h.viber.to(user).find((m) => JSON.stringify(m.body).includes('3131')));
    await h.restart();
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(view.attempts.map((a: any) => a.channel)).to.deep.equal(['viber', 'sms']);
    expect(h.turbo.to(phone).filter((sms) => sms.text.includes('3131'))).to.have.length(1);
  });

  it('sends the SMS, not the same card again, when the server stopped during a Viber send', async () => {
    // As a process killed while Viber was being called leaves it: the job marked in flight, the attempt 'sending'.
    await h.vistka.worker.stop();
    const body = event({ phone_number: phone, code: '5252' });
    await h.push(body);
    const now = Date.now();
    await h.sql(
      "INSERT INTO delivery_attempts (id, event_id, round, channel, provider, status, recipient_id, created_at, updated_at) VALUES ('viber-cut-short', ?, 0, 'viber', 'viber', 'sending', ?, ?, ?)",
      [body.id, user, now, now],
    );
    await h.sql('UPDATE jobs SET state = ? WHERE id = ?', [JSON.stringify({ attemptId: 'viber-cut-short', viberInFlight: true }), body.id]);
    const cardsBefore = h.viber.to(user).length;
    await h.restart();
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(h.viber.to(user)).to.have.length(cardsBefore);
    expect(h.turbo.to(phone).filter((sms) => sms.text.includes('5252'))).to.have.length(1);
    expect(view.attempts.map((a: any) => [a.channel, a.status, a.detail])).to.deep.equal([
      ['viber', 'failed', 'outcome unknown: the server stopped during the send'],
      ['sms', 'sent', null],
    ]);
  });

  it('ends a send cut short as failed when the code expired before the restart', async () => {
    await h.vistka.worker.stop();
    const body = event({ phone_number: '+380674000014', expires_at: new Date(Date.now() + 1500).toISOString() });
    await h.push(body);
    await smsSendCutShort(body.id as string, 'turbosms', 0, 'cut-short-14');
    await sleep(1600);
    await h.restart();
    const view = await h.waitForStatus(body.id as string, 'expired');
    expect(view.attempts.map((a: any) => [a.status, a.detail])).to.deep.equal([['failed', 'outcome unknown: the code expired before the send could be tried again']]);
    expect(h.turbo.to('+380674000014')).to.have.length(0);
  });

  it('finds its SMS provider by name after a restart with another SMS_PROVIDER list', async () => {
    // As a process killed during a Twilio send leaves it: the job at its SMS step, the attempt 'sending'.
    // A deploy then lists TurboSMS only: the SMS goes through TurboSMS, recorded as such (it was lost as
    // "no SMS provider is configured" while the state kept only a position in the list).
    await h.vistka.worker.stop();
    const body = event({ phone_number: '+380674000012', code: '4141' });
    await h.push(body);
    const state = await smsSendCutShort(body.id as string, 'twilio', 1, 'cut-short');
    await h.restart({ SMS_PROVIDER: 'turbosms' });
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(view.status).to.equal('sent');
    expect(h.turbo.to('+380674000012')).to.have.length(1);
    expect(view.attempts.map((a: any) => [a.provider, a.status])).to.deep.equal([
      ['twilio', 'failed'],
      ['turbosms', 'sent'],
    ]);
    expect(view.attempts[0].detail).to.equal('outcome unknown: twilio is no longer in SMS_PROVIDER');

    // The same provider at another position: it is still the one asked, with its key.
    await h.vistka.worker.stop();
    const second = event({ phone_number: '+380674000013' });
    await h.push(second);
    const again = { ...state, providerIndex: 0, provider: 'turbosms', keys: { turbosms: 'kept-key-13' }, attemptId: undefined };
    await h.sql("UPDATE jobs SET step = 'sms', state = ? WHERE id = ?", [JSON.stringify(again), second.id]);
    await h.restart({ SMS_PROVIDER: 'twilio,turbosms' });
    const secondView = await h.waitForChannel(second.id as string, 'sms');
    expect(secondView.attempts.map((a: any) => a.provider)).to.deep.equal(['turbosms']);
    expect(h.twilio.to('+380674000013')).to.have.length(0);
    expect(h.turbo.to('+380674000013')).to.have.length(1);
    await h.restart();
  });

  it('carries on SMS retries after a restart and delivers once the provider is back', async () => {
    h.turbo.behaviour = () => 'down';
    const body = event({ phone_number: '+380674000002' });
    await h.push(body);
    await waitFor('a failed SMS round', async () => (await h.status(body.id as string)).json.reason?.includes('retry'));
    await h.restart();
    h.turbo.behaviour = () => 'ok';
    await h.waitForChannel(body.id as string, 'sms');
    expect(h.turbo.to('+380674000002')).to.have.length(1);
  });

  it('runs a job a killed process had claimed as soon as the next one starts', async function () {
    // SQLite only: one process owns the file, so a starting one may free every lease. Instances that
    // share PostgreSQL cannot tell a dead holder from a live one; there the lease runs out
    // (JOB_LEASE_S), which test/delivery/instances.test.ts covers.
    if (onPostgres) this.skip();
    const body = event({ phone_number: '+380674000003' });
    // Freeze the worker's claim by pretending a dead process holds every due job for an hour.
    await h.vistka.worker.stop();
    await h.push(body);
    await h.vistka.db.tx((manager) =>
      manager.update(Job, { id: body.id as string }, { lockedBy: 'dead-process', lockedUntil: Date.now() + 3600_000 }),
    );
    await h.restart();
    await h.waitForChannel(body.id as string, 'sms');
    expect(h.turbo.to('+380674000003')).to.have.length(1);
  });

  it('loses no accepted event when the worker stops between the 202 and the send', async () => {
    await h.vistka.worker.stop();
    const bodies = Array.from({ length: 20 }, (_, i) => event({ phone_number: `+38067410${String(i).padStart(4, '0')}` }));
    const replies = await Promise.all(bodies.map((body) => h.push(body)));
    expect(replies.every((reply) => reply.status === 202)).to.equal(true);
    await sleep(100);
    expect(bodies.some((body) => h.turbo.to(body.phone_number as string).length > 0)).to.equal(false);
    await h.restart();
    for (const body of bodies) await h.waitForChannel(body.id as string, 'sms');
    for (const body of bodies) expect(h.turbo.to(body.phone_number as string)).to.have.length(1);
  });
});
