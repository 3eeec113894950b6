import { expect } from 'chai';
import { sleep, waitFor } from '../fakes/http';
import { viberCallbacks } from '../fakes/viber-api';
import { event, Harness } from '../helpers/harness';
import { PrometheusMetrics, type QueueStats } from '../../src/metrics';

/** The value of one sample of a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z0-9_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let h: Harness;
  const user = 'metrics-user';
  const phone = '+380675000001';
  before(async () => {
    h = await new Harness({ VIBER_DELIVERY_TIMEOUT_S: '1.5', SMS_PROVIDER: 'turbosms,twilio', SMS_REPORT_POLL_S: '0' }).start();
    await h.bindPhone(user, phone);
  });
  after(() => h.stop());

  async function scrape(): Promise<string> {
    const reply = await h.http('GET', '/metrics');
    expect(reply.status).to.equal(200);
    expect(String(reply.headers['content-type'])).to.match(/^text\/plain; version=0\.0\.4/);
    return reply.text;
  }

  it('counts pushes, statuses, deliveries by channel and outcome, fallbacks by reason and send latency', async () => {
    const viaViber = event({ phone_number: phone, code: '4101' });
    const timedOut = event({ phone_number: phone, code: '4102' });
    h.turbo.behaviour = (to) => (to === '+380675000002' ? 'down' : 'ok');
    const smsOnly = event({ type: 'verification', number: null, phone_number: '+380675000002', code: '4103' });
    for (const body of [viaViber, timedOut, smsOnly]) expect((await h.push(body)).status).to.equal(202);
    expect((await h.push(smsOnly)).status).to.equal(200);

    const card = await waitFor('the card', () => h.viber.to(user).find((m) => JSON.stringify(m.body).includes('4101')));
    await h.viber.callback(h.webhook, viberCallbacks.receipt('delivered', card.token, user));
    await h.waitForStatus(viaViber.id as string, 'delivered');
    await h.waitForChannel(timedOut.id as string, 'sms');
    await h.waitForChannel(smsOnly.id as string, 'sms');
    h.turbo.behaviour = () => 'ok';

    const text = await scrape();
    expect(sample(text, 'vistka_pushes_total', { type: 'medication_request', outcome: 'accepted' })).to.equal(2);
    expect(sample(text, 'vistka_pushes_total', { type: 'verification', outcome: 'accepted' })).to.equal(1);
    expect(sample(text, 'vistka_pushes_total', { type: 'verification', outcome: 'duplicate' })).to.equal(1);
    expect(sample(text, 'vistka_events_total', { type: 'medication_request', status: 'queued' })).to.equal(2);
    expect(sample(text, 'vistka_events_total', { type: 'medication_request', status: 'delivered' })).to.equal(1);
    // Entering a status counts each time: the timed-out one was sent on Viber, then by SMS.
    expect(sample(text, 'vistka_events_total', { type: 'medication_request', status: 'sent' })).to.equal(3);
    expect(sample(text, 'vistka_events_total', { type: 'verification', status: 'sent' })).to.equal(1);
    expect(sample(text, 'vistka_deliveries_total', { channel: 'viber', provider: 'viber', outcome: 'sent' })).to.equal(2);
    expect(sample(text, 'vistka_deliveries_total', { channel: 'viber', provider: 'viber', outcome: 'delivered' })).to.equal(1);
    // The 503 and its retry with the same sequence_id.
    expect(sample(text, 'vistka_deliveries_total', { channel: 'sms', provider: 'turbosms', outcome: 'failed' })).to.equal(2);
    expect(sample(text, 'vistka_deliveries_total', { channel: 'sms', provider: 'twilio', outcome: 'sent' })).to.equal(1);
    expect(sample(text, 'vistka_fallbacks_total', { reason: 'viber_timeout' })).to.equal(1);
    expect(sample(text, 'vistka_fallbacks_total', { reason: 'sms_next_provider' })).to.equal(1);
    expect(sample(text, 'vistka_send_duration_seconds_count', { channel: 'viber', provider: 'viber' })).to.equal(2);
    expect(sample(text, 'vistka_send_duration_seconds_count', { channel: 'sms', provider: 'turbosms' })).to.be.at.least(2);
    expect(sample(text, 'vistka_time_to_first_send_seconds_count', { channel: 'sms' })).to.equal(1);
    expect(sample(text, 'vistka_time_to_first_send_seconds_count', { channel: 'viber' })).to.equal(2);
    expect(sample(text, 'vistka_ingest_events_committed_total')).to.equal(4);
    expect(sample(text, 'process_cpu_seconds_total')).to.be.a('number');
    // Neither codes nor phones in the metrics.
    for (const secret of ['4101', '4102', '4103', '380675000001', '380675000002']) {
      // As a value of its own: memory sizes and timings may contain the same digits.
      expect(text).to.not.match(new RegExp(`(?<![\\d.])${secret}(?![\\d.])`));
    }
  });

  it('counts refused pushes by HTTP status and error code, and a 409 only as a conflict', async () => {
    const before = await scrape();
    const refused = (status: string, code: string, text: string) => (sample(text, 'vistka_pushes_refused_total', { status, code }) ?? 0);
    expect((await h.push(event(), { signature: 't=1,v1=00' })).status).to.equal(401);
    expect((await h.push(event(), { signature: null })).status).to.equal(401);
    expect((await h.push('{"id":')).status).to.equal(400);
    expect((await h.push(event({ type: 'unknown' }))).status).to.equal(422);
    const first = event();
    expect((await h.push(first)).status).to.equal(202);
    expect((await h.push({ ...first, code: '9999' })).status).to.equal(409);
    const after = await scrape();
    expect(refused('401', 'invalid_signature', after) - refused('401', 'invalid_signature', before)).to.equal(2);
    expect(refused('400', 'invalid_json', after) - refused('400', 'invalid_json', before)).to.equal(1);
    expect(refused('422', 'invalid_event', after) - refused('422', 'invalid_event', before)).to.equal(1);
    expect(after).to.not.match(/vistka_pushes_refused_total\{[^}]*id_conflict/);
    expect(sample(after, 'vistka_pushes_total', { type: 'medication_request', outcome: 'conflict' })).to.equal(1);
  });

  it('shows the outbox depth and the age of its oldest due job while the worker is behind', async () => {
    await waitFor('an empty outbox', async () => (await h.vistka.queue.depth()) === 0);
    let text = await scrape();
    expect(sample(text, 'vistka_queue_jobs')).to.equal(0);
    expect(sample(text, 'vistka_queue_due_jobs')).to.equal(undefined);
    expect(sample(text, 'vistka_queue_oldest_due_seconds')).to.equal(0);
    await h.vistka.worker.stop();
    for (let i = 0; i < 3; i++) await h.push(event({ phone_number: `+38067500010${i}` }));
    await sleep(300);
    text = await scrape();
    expect(sample(text, 'vistka_queue_jobs')).to.equal(3);
    expect(sample(text, 'vistka_queue_due_jobs', { step: 'dispatch' })).to.equal(3);
    expect(sample(text, 'vistka_queue_oldest_due_seconds')).to.be.within(0.25, 5);
    await h.restart();
    await waitFor('an empty outbox', async () => (await h.vistka.queue.depth()) === 0);
  });
});

describe('the metrics while the database does not answer', () => {
  it('still renders every other metric, keeps the last queue figures and says vistka_database_up 0', async () => {
    let answer: () => Promise<QueueStats> = async () => ({ total: 7, dueByStep: { dispatch: 3 }, oldestDueAt: null });
    const metrics = new PrometheusMetrics(() => answer());
    metrics.pushReceived('verification', 'accepted');
    expect(sample((await metrics.render()).body, 'vistka_database_up')).to.equal(1);
    for (const failing of [() => Promise.reject(new Error('connection terminated')), () => new Promise<QueueStats>(() => undefined)]) {
      answer = failing;
      const startedAt = Date.now();
      const { body } = await metrics.render();
      expect(Date.now() - startedAt).to.be.below(3000);
      expect(sample(body, 'vistka_database_up')).to.equal(0);
      expect(sample(body, 'vistka_queue_jobs')).to.equal(7);
      expect(sample(body, 'vistka_pushes_total', { type: 'verification', outcome: 'accepted' })).to.equal(1);
      expect(body).to.match(/^process_cpu_user_seconds_total /m);
    }
  });
});
