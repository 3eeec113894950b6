import { expect } from 'chai';
import type { Vistka } from '../../src/server';
import { waitFor } from '../fakes/http';
import { onPostgres } from '../helpers/databases';
import { event, Harness } from '../helpers/harness';
import { pushAll } from '../helpers/load';

/** Several instances sharing one PostgreSQL database (SQLite belongs to one process). */
describe('two instances on one PostgreSQL database', function () {
  this.timeout(60_000);
  let h: Harness;
  let second: Vistka;

  before(async function () {
    if (!onPostgres) this.skip();
    h = await new Harness({ VIBER_AUTH_TOKEN: '', JOB_LEASE_S: '2', SMS_REPORT_POLL_S: '0.2' }).start();
    second = await h.startInstance();
  });
  after(() => h?.stop());

  it('sends every event exactly once, the work shared between them', async () => {
    const bodies = Array.from({ length: 300 }, (_, i) => event({ phone_number: `+38068${String(i).padStart(7, '0')}` }));
    const results = await pushAll({ target: (i) => (i % 2 === 0 ? h.url : second.url), bodies, concurrency: 16 });
    expect(results.every((r) => r.status === 202)).to.equal(true);
    await waitFor('every event at the provider', () => bodies.every((body) => h.turbo.to(body.phone_number as string).length > 0), 30_000);
    await waitFor('an empty outbox', async () => (await h.vistka.queue.depth()) === 0);
    await Promise.all([h.vistka.worker.idle(), second.worker.idle()]);
    for (const body of bodies) expect(h.turbo.to(body.phone_number as string), String(body.phone_number)).to.have.length(1);
    // One request per event reached the provider: no instance sent another's job, not even deduplicated.
    expect(h.turbo.requests.filter((r: any) => String(r.recipients[0]).startsWith('38068'))).to.have.length(300);
    const sentBy = await Promise.all([h.vistka, second].map((instance) => smsSent(instance)));
    expect(sentBy[0] + sentBy[1]).to.equal(300);
    expect(sentBy[0], 'sent by the first').to.be.greaterThan(0);
    expect(sentBy[1], 'sent by the second').to.be.greaterThan(0);
  });

  it('accepts one event pushed to both instances at the same moment exactly once', async () => {
    for (let i = 0; i < 10; i++) {
      const body = event({ phone_number: `+38068200000${i}` });
      const results = await pushAll({ target: (n) => (n === 0 ? h.url : second.url), bodies: [body, body], concurrency: 2 });
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 202]);
    }
    await waitFor('an empty outbox', async () => (await h.vistka.queue.depth()) === 0);
    for (let i = 0; i < 10; i++) expect(h.turbo.to(`+38068200000${i}`)).to.have.length(1);
  });

  it('answers a push replayed to the other instance with 200 and sends nothing again', async () => {
    const body = event({ phone_number: '+380681999999' });
    const [first] = await pushAll({ target: () => h.url, bodies: [body], concurrency: 1 });
    const [replay] = await pushAll({ target: () => second.url, bodies: [body], concurrency: 1 });
    expect([first.status, replay.status]).to.deep.equal([202, 200]);
    await waitFor('the SMS', () => h.turbo.to('+380681999999').length > 0);
    await waitFor('an empty outbox', async () => (await h.vistka.queue.depth()) === 0);
    expect(h.turbo.to('+380681999999')).to.have.length(1);
  });
});

async function smsSent(instance: Vistka): Promise<number> {
  const text = (await instance.metrics.render()).body;
  const match = /^vistka_deliveries_total\{channel="sms",provider="turbosms",outcome="sent"\} (\d+)/m.exec(text);
  return Number(match?.[1] ?? 0);
}
