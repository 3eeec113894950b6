import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { request } from 'undici';
import { waitFor } from '../fakes/http';
import { FakeTwilio } from '../fakes/sms-providers';
import { freshDatabase, freshPostgresDatabase, onPostgres, TEST_POSTGRES_URL, type TestDatabase } from '../helpers/databases';
import { event, SECRET } from '../helpers/harness';
import { pushAll, type PushResult } from '../helpers/load';
import { VistkaProcess } from '../helpers/process';

/**
 * The real server process, killed. Twilio is the provider because it has no idempotency key: a send
 * whose answer the killed process never stored goes out again, so duplicates show here. (TurboSMS
 * drops such a repeat by its sequence_id; see the cascade tests.)
 */
describe('crash safety of the server process', function () {
  this.timeout(120_000);
  /** Sends in flight at a kill are at most this old at the fake: its reply delay plus a commit. */
  const IN_FLIGHT_WINDOW_MS = 3000;
  let twilio: FakeTwilio;
  let dir: string;
  const processes: VistkaProcess[] = [];
  const databases: TestDatabase[] = [];

  before(async () => {
    twilio = await new FakeTwilio().start();
    // The provider takes a while to answer, so that a backlog builds up and a kill lands among
    // sends in flight (64 at most: the worker's concurrency).
    twilio.replyDelayMs = 200;
    dir = mkdtempSync(join(tmpdir(), 'vistka-crash-'));
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.ensureDead()));
    await twilio.stop();
    await Promise.all(databases.map((db) => db.drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  function launch(databaseUrl: string): Promise<VistkaProcess> {
    const instance = new VistkaProcess(
      {
        DATABASE_URL: databaseUrl,
        EHEALTH_WEBHOOK_SECRET: SECRET,
        SMS_PROVIDER: 'twilio',
        // Delivery reports come quickly, so that the outbox empties once every SMS is confirmed.
        SMS_REPORT_POLL_S: '0.2',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_URL: twilio.url,
        // A dead instance's jobs are taken over after this.
        JOB_LEASE_S: '2',
      },
      dir,
    );
    processes.push(instance);
    return instance.start();
  }

  /**
   * Kills `victim` with SIGKILL mid-way: once `minAccepted` pushes were accepted and some of them
   * have been sent, so that pushes, commits and sends are all under way.
   */
  function killMidway(victim: VistkaProcess, prefix: string, minAccepted: number) {
    const state = { killedAt: 0, sentBeforeKill: 0, accepted: 0 };
    const sent = () => twilio.delivered.filter((sms) => sms.to.startsWith(`+380${prefix}`)).length;
    const check = () => {
      // Mid-way: some sent, and a backlog of accepted ones not sent yet.
      if (state.killedAt || state.accepted < minAccepted || sent() < 20 || sent() > state.accepted - 20) return;
      state.sentBeforeKill = sent();
      state.killedAt = Date.now();
      victim.kill('SIGKILL');
      clearInterval(timer);
    };
    const timer = setInterval(check, 2);
    return {
      state,
      onResult(result: PushResult) {
        if (result.status === 202) state.accepted += 1;
        check();
      },
      /** After the pushes: kill now if the moment never came (then the sends are still under way). */
      ensureKilled() {
        clearInterval(timer);
        if (!state.killedAt) {
          state.sentBeforeKill = sent();
          state.killedAt = Date.now();
          victim.kill('SIGKILL');
        }
      },
    };
  }

  function bodies(prefix: string, count: number): Array<Record<string, unknown>> {
    return Array.from({ length: count }, (_, i) => event({ phone_number: `+380${prefix}${String(i).padStart(7, '0')}` }));
  }

  /** Waits until every accepted event reached the fake and the outbox is empty; returns the duplicates. */
  async function settle(results: PushResult[], survivor: VistkaProcess, killedAt: number): Promise<number> {
    const accepted = results.filter((r) => r.status === 202).map((r) => r.body.phone_number as string);
    await waitFor(
      'every accepted event at the provider',
      () => accepted.every((phone) => twilio.to(phone).length > 0),
      60_000,
    );
    await waitFor('an empty outbox', async () => (await queueJobs(survivor.url)) === 0, 30_000);
    const phones = new Set(results.map((r) => r.body.phone_number as string));
    let duplicates = 0;
    for (const phone of phones) {
      const copies = twilio.to(phone);
      if (copies.length <= 1) continue;
      duplicates += copies.length - 1;
      // Only a send in flight at the kill may go out twice: its first copy left just before the kill.
      expect(copies[0].at, `first copy to ${phone}`).to.be.within(killedAt - IN_FLIGHT_WINDOW_MS, killedAt + 50);
      expect(copies.length, `copies to ${phone}`).to.equal(2);
    }
    return duplicates;
  }

  /** The suite's database: SQLite, or PostgreSQL when TEST_DATABASE_URL is set. */
  async function database(): Promise<string> {
    const created = await freshDatabase(mkdtempSync(join(dir, 'db-')));
    databases.push(created);
    return created.url;
  }

  it('delivers every event that got a 202 after a SIGKILL mid-way and a restart', async () => {
    const databaseUrl = await database();
    const first = await launch(databaseUrl);
    const killer = killMidway(first, '50', 150);
    const results = await pushAll({ target: () => first.url, bodies: bodies('50', 400), concurrency: 8, onResult: killer.onResult });
    killer.ensureKilled();
    expect((await first.exit()).signal).to.equal('SIGKILL');
    const { killedAt, sentBeforeKill } = killer.state;
    const accepted = results.filter((r) => r.status === 202).length;
    expect(accepted).to.be.at.least(150);
    expect(results.some((r) => r.status !== 202 && r.status !== 'error')).to.equal(false);
    expect(sentBeforeKill, 'sends before the kill').to.be.below(accepted);

    const second = await launch(databaseUrl);
    const duplicates = await settle(results, second, killedAt);
    console.log(
      `      SIGKILL on ${onPostgres ? 'PostgreSQL' : 'SQLite'}: ${accepted} of 400 pushes accepted, ${sentBeforeKill} sent before the kill, ` +
        `all ${accepted} delivered after the restart, ${duplicates} duplicate(s) (sends in flight at the kill)`,
    );
    second.kill('SIGTERM');
    expect((await second.exit()).code).to.equal(0);
  });

  it('PostgreSQL: two instances, one SIGKILLed: the other delivers everything once the lease ends', async function () {
    if (!TEST_POSTGRES_URL) this.skip();
    const shared = await freshPostgresDatabase(TEST_POSTGRES_URL as string);
    databases.push(shared);
    const a = await launch(shared.url);
    const b = await launch(shared.url);
    const killer = killMidway(a, '63', 150);
    const results = await pushAll({
      target: (index) => (index % 2 === 0 ? a.url : b.url),
      bodies: bodies('63', 400),
      concurrency: 16,
      onResult: killer.onResult,
    });
    killer.ensureKilled();
    expect((await a.exit()).signal).to.equal('SIGKILL');
    const { killedAt, sentBeforeKill } = killer.state;
    const accepted = results.filter((r) => r.status === 202).length;
    expect(accepted).to.be.at.least(150);
    expect(results.some((r) => r.status !== 202 && r.status !== 'error')).to.equal(false);
    // The survivor took every push sent to it.
    expect(results.filter((r) => r.index % 2 === 1).every((r) => r.status === 202)).to.equal(true);
    const duplicates = await settle(results, b, killedAt);
    console.log(
      `      SIGKILL of one of two instances on PostgreSQL: ${accepted} of 400 pushes accepted, ${sentBeforeKill} sent ` +
        `before the kill, all delivered by the survivor, ${duplicates} duplicate(s) (sends in flight at the kill)`,
    );
    b.kill('SIGTERM');
    expect((await b.exit()).code).to.equal(0);
  });

  it('SIGTERM with nothing in flight: pushes under way get 202 or 503, never a reset connection', async () => {
    const databaseUrl = await database();
    twilio.replyDelayMs = 0;
    try {
      const server = await launch(databaseUrl);
      let termAt = 0;
      const results = await pushAll({
        target: () => server.url,
        bodies: bodies('65', 3000),
        concurrency: 8,
        stopOnRefusal: true,
        onResult(_, all) {
          if (!termAt && all.filter((r) => r.status === 202).length >= 50) {
            termAt = Date.now();
            server.kill('SIGTERM');
          }
        },
      });
      expect((await server.exit()).code).to.equal(0);
      expect(results.filter((r) => r.status !== 202 && r.status !== 503)).to.deep.equal([]);
      expect(results.filter((r) => r.status === 503).length).to.equal(8);
    } finally {
      twilio.replyDelayMs = 200;
    }
  });

  it('SIGTERM: refuses new pushes with 503, finishes the sends in flight, closes the database, exits 0', async () => {
    const databaseUrl = await database();
    twilio.replyDelayMs = 1500;
    try {
      const server = await launch(databaseUrl);
      let termAt = 0;
      const results = await pushAll({
        target: () => server.url,
        bodies: bodies('66', 300),
        concurrency: 8,
        onResult(_, all) {
          // Signal only once a send is in flight (the fake holds its reply 1.5 s), so there is one to finish.
          const inFlight = twilio.delivered.some((sms) => sms.to.startsWith('+38066'));
          if (!termAt && inFlight && all.filter((r) => r.status === 202).length >= 30) {
            termAt = Date.now();
            server.kill('SIGTERM');
          }
        },
      });
      if (!termAt) {
        server.kill('SIGKILL');
        throw new Error('no send was in flight while the pushes were being accepted: nothing to test SIGTERM against');
      }
      // While the send in flight finishes, the instance still answers: not ready, and no new pushes.
      const ready = await request(`${server.url}/readyz`);
      expect([ready.statusCode, ready.headers.connection]).to.deep.equal([503, 'close']);
      expect(await ready.body.json()).to.include({ status: 'not_ready', worker: 'stopped' });
      const late = await request(`${server.url}/ehealth/events`, { method: 'POST', body: '{}' });
      expect([late.statusCode, late.headers.connection]).to.deep.equal([503, 'close']);
      await late.body.dump();
      const exit = await server.exit();
      expect(exit.code).to.equal(0);
      expect(server.lines.some((line) => line.includes('"msg":"stopped"'))).to.equal(true);
      // Every push after the signal got a 503 shutting_down, none a refused or reset connection.
      const refused = results.filter((r) => r.status === 503);
      expect(refused.length).to.be.greaterThan(0);
      expect(refused.every((r) => r.code === 'shutting_down')).to.equal(true);
      expect(results.filter((r) => r.status !== 202 && r.status !== 503)).to.deep.equal([]);
      // The sends under way at the signal were finished, not cut: each of them reached the fake once
      // and was recorded, so the next start sends nothing again.
      const accepted = results.filter((r) => r.status === 202);
      const sentAtExit = accepted.filter((r) => twilio.to(r.body.phone_number as string).length > 0).length;
      expect(sentAtExit).to.be.greaterThan(0);

      twilio.replyDelayMs = 0;
      const next = await launch(databaseUrl);
      const duplicates = await settle(results, next, termAt);
      expect(duplicates).to.equal(0);
      next.kill('SIGTERM');
      expect((await next.exit()).code).to.equal(0);
    } finally {
      twilio.replyDelayMs = 200;
    }
  });
});

/** The outbox size from an instance's /metrics (the queue gauge is read from the shared database). */
async function queueJobs(url: string): Promise<number> {
  const reply = await request(`${url}/metrics`);
  const text = await reply.body.text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^vistka_queue_jobs (\d+)/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}
