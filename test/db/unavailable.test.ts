import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { expect } from 'chai';
import { request } from 'undici';
import { createApp } from '../../src/app';
import { isDatabaseUnavailable } from '../../src/db/unavailable';
import { createLogger } from '../../src/logger';
import BetterSqlite3 from 'better-sqlite3';
import { sleep, waitFor } from '../fakes/http';
import { onPostgres } from '../helpers/databases';
import { event, Harness } from '../helpers/harness';

/** What a driver throws, as TypeORM wraps it (QueryFailedError keeps it as driverError). */
const wrapped = (driverError: object) => Object.assign(new Error('query failed'), { driverError });

describe('isDatabaseUnavailable', () => {
  it('recognises a database that cannot work right now', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      wrapped({ code: '57P01', message: 'terminating connection due to administrator command' }),
      wrapped({ code: '08006', message: 'connection failure' }),
      wrapped({ code: 'SQLITE_BUSY', message: 'database is locked' }),
      wrapped({ code: 'SQLITE_FULL', message: 'database or disk is full' }),
    ]) {
      expect(isDatabaseUnavailable(error), String((error as Error).message)).to.equal(true);
    }
  });

  it('leaves bugs and bad queries to be 500s', () => {
    for (const error of [new TypeError("Cannot read properties of undefined (reading 'id')"), wrapped({ code: '42P01', message: 'relation "x" does not exist' }), wrapped({ code: 'SQLITE_CONSTRAINT_UNIQUE' }), null, 'text']) {
      expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
    }
  });

  it('makes the app answer 503 with Retry-After and a JSON body, where a bug gets a 500', async () => {
    const router = new Router();
    router.get('/down', () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    router.get('/bug', () => {
      throw new TypeError('oops');
    });
    const server = createApp([router], createLogger('silent'), isDatabaseUnavailable).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const down = await request(`${origin}/down`);
      expect([down.statusCode, down.headers['retry-after']]).to.deep.equal([503, '5']);
      expect(((await down.body.json()) as { error: { code: string } }).error.code).to.equal('unavailable');
      const bug = await request(`${origin}/bug`);
      expect(bug.statusCode).to.equal(500);
      await bug.body.dump();
    } finally {
      server.close();
    }
  });
});

describe('a SQLite file another process keeps locked', () => {
  let h: Harness;
  before(async function () {
    if (onPostgres) this.skip();
    h = await new Harness({ VIBER_AUTH_TOKEN: '' }).start();
  });
  after(() => h?.stop());

  it('fails pushes with 503 within seconds, keeps /healthz answering, and takes the push again once it is free', async () => {
    const other = new BetterSqlite3(h.database.url.replace(/^sqlite:/, ''), { timeout: 0 });
    const body = event({ phone_number: '+380676100001' });
    try {
      other.exec('BEGIN IMMEDIATE');
      other.exec("INSERT INTO viber_callbacks (key, at) VALUES ('held-by-another-process', 1)");
      const startedAt = Date.now();
      const [refused, health] = await Promise.all([h.push(body), h.http('GET', '/healthz')]);
      expect(Date.now() - startedAt).to.be.below(4000);
      expect([refused.status, (refused.json as { error: { code: string } }).error.code]).to.deep.equal([503, 'unavailable']);
      expect(health.status).to.equal(200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Nothing half-written: the same push now goes in as new.
    expect((await h.push(body)).status).to.equal(202);
  });
});

describe('the outcome of a send while the database cannot take it', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async function () {
    if (onPostgres) this.skip();
    h = await new Harness({ VIBER_AUTH_TOKEN: '', SMS_PROVIDER: 'twilio', SMS_REPORT_POLL_S: '0' }).start();
  });
  after(() => h?.stop());

  it('is written once the database is back, and the SMS is not sent again', async () => {
    // Twilio takes the SMS at once and answers 1.5 s later; meanwhile another process locks the file for 3 s.
    h.twilio.replyDelayMs = 1500;
    const body = event({ phone_number: '+380676100002' });
    await h.push(body);
    await waitFor('the SMS at Twilio', () => h.twilio.to('+380676100002')[0]);
    const other = new BetterSqlite3(h.database.url.replace(/^sqlite:/, ''), { timeout: 0 });
    try {
      other.exec('BEGIN IMMEDIATE');
      other.exec("INSERT INTO viber_callbacks (key, at) VALUES ('held-while-sending', 1)");
      await sleep(3000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await h.waitForStatus(body.id as string, 'sent');
    await sleep(6000);
    expect(h.twilio.to('+380676100002')).to.have.length(1);
    expect((await h.status(body.id as string)).json.attempts.map((a: any) => a.status)).to.deep.equal(['sent']);
  });
});
