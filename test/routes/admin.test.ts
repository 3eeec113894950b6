import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { hashToken } from '../../src/admin/tokens';
import { loadConfig } from '../../src/config';
import { StaffToken } from '../../src/entities/StaffToken';
import { createLogger } from '../../src/logger';
import { startVistka } from '../../src/server';
import { ADMIN_ENV, ADMIN_TOKEN, api, auditSince, lastAuditId, makeStaff } from '../admin/helpers';
import { event, Harness } from '../helpers/harness';

interface Call {
  name: string;
  action: string;
  method: string;
  /** Built afresh per caller: some calls consume what they act on. */
  path: () => Promise<string> | string;
  body?: unknown;
  /** What an operator and an admin get; 403 where the role is too low. */
  operator: number;
  admin: number;
}

describe('the admin API: who may call what', () => {
  let h: Harness;
  let operator: { id: string; token: string };
  let admin: { id: string; token: string };
  const sentPhone = '+380501230001';
  let sentEvent: string;
  const printEvent = `print-${randomUUID()}`;

  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
    operator = await makeStaff(h, 'operator');
    admin = await makeStaff(h, 'admin');
    const body = event({ phone_number: sentPhone });
    sentEvent = body.id as string;
    await h.push(body);
    await h.waitForStatus(sentEvent, 'sent');
    await h.push(event({ id: printEvent, phone_number: null }));
  });
  after(() => h.stop());

  /** A staff member to delete or give a token to, new for each caller. */
  const throwaway = async () => (await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name: 'Тимчасовий', role: 'operator' })).json.id as string;

  const calls: Call[] = [
    { name: 'GET /admin/stats', action: 'stats.view', method: 'GET', path: () => '/admin/stats', operator: 200, admin: 200 },
    { name: 'GET /admin/events', action: 'event.search', method: 'GET', path: () => `/admin/events?phone=${encodeURIComponent(sentPhone)}&limit=5`, operator: 200, admin: 200 },
    { name: 'GET /admin/events/:id', action: 'event.view', method: 'GET', path: () => `/admin/events/${sentEvent}`, operator: 200, admin: 200 },
    {
      name: 'POST /admin/events/:id/resend',
      action: 'event.resend',
      method: 'POST',
      path: async () => {
        await h.waitForStatus(sentEvent, 'sent');
        return `/admin/events/${sentEvent}/resend`;
      },
      operator: 202,
      admin: 202,
    },
    { name: 'GET /admin/events/:id/note', action: 'note.print', method: 'GET', path: () => `/admin/events/${printEvent}/note`, operator: 200, admin: 200 },
    { name: 'GET /admin/subscribers', action: 'subscriber.find', method: 'GET', path: () => `/admin/subscribers?phone=${encodeURIComponent(sentPhone)}`, operator: 200, admin: 200 },
    // No binding to end: the admin gets past the role check and learns that.
    { name: 'DELETE /admin/subscribers/:phone', action: 'subscriber.delete', method: 'DELETE', path: () => `/admin/subscribers/${encodeURIComponent(sentPhone)}`, operator: 403, admin: 404 },
    { name: 'POST /admin/staff', action: 'staff.create', method: 'POST', path: () => '/admin/staff', body: { name: 'Нова Людина', role: 'operator' }, operator: 403, admin: 201 },
    { name: 'GET /admin/staff', action: 'staff.list', method: 'GET', path: () => '/admin/staff', operator: 403, admin: 200 },
    { name: 'DELETE /admin/staff/:id', action: 'staff.delete', method: 'DELETE', path: async () => `/admin/staff/${await throwaway()}`, operator: 403, admin: 200 },
    { name: 'POST /admin/staff/:id/tokens', action: 'token.issue', method: 'POST', path: async () => `/admin/staff/${await throwaway()}/tokens`, operator: 403, admin: 201 },
    { name: 'GET /admin/audit', action: 'audit.view', method: 'GET', path: () => '/admin/audit?limit=3', operator: 403, admin: 200 },
  ];

  for (const call of calls) {
    describe(call.name, () => {
      it('answers 401 without a token, and audits the refusal', async () => {
        const mark = await lastAuditId(h);
        const reply = await api(h, call.method, await call.path(), null, call.body);
        expect(reply.status, reply.text).to.equal(401);
        expect(reply.json.error.code).to.equal('unauthorized');
        expect(reply.headers['www-authenticate']).to.match(/^Bearer/);
        const lines = (await auditSince(h, mark)).filter((line) => line.action === call.action);
        expect(lines.map((l) => [l.actor, l.outcome, l.via])).to.deep.include(['anonymous', 'denied', 'http']);
      });

      it('answers 401 for a wrong token, and audits the refusal', async () => {
        const mark = await lastAuditId(h);
        const reply = await api(h, call.method, await call.path(), `${operator.token}x`, call.body);
        expect(reply.status, reply.text).to.equal(401);
        const line = (await auditSince(h, mark)).find((l) => l.action === call.action && l.outcome === 'denied');
        expect(line?.detail).to.equal('unknown token');
      });

      it(`answers ${call.operator} to an operator`, async () => {
        const mark = await lastAuditId(h);
        const reply = await api(h, call.method, await call.path(), operator.token, call.body);
        expect(reply.status, reply.text).to.equal(call.operator);
        if (call.operator === 403) expect(reply.json.error.code).to.equal('forbidden');
        const line = (await auditSince(h, mark)).find((l) => l.action === call.action && l.actor === `staff:${operator.id}`);
        expect(line?.outcome).to.equal(call.operator === 403 ? 'forbidden' : 'ok');
      });

      it(`answers ${call.admin} to an admin`, async () => {
        const mark = await lastAuditId(h);
        const reply = await api(h, call.method, await call.path(), admin.token, call.body);
        expect(reply.status, reply.text).to.equal(call.admin);
        const line = (await auditSince(h, mark)).find((l) => l.action === call.action && l.actor === `staff:${admin.id}`);
        expect(line?.outcome).to.equal(call.admin === 404 ? 'not_found' : 'ok');
      });
    });
  }

  it('lets ADMIN_TOKEN act as an admin, audited as ADMIN_TOKEN', async () => {
    const mark = await lastAuditId(h);
    expect((await api(h, 'GET', '/admin/staff', ADMIN_TOKEN)).status).to.equal(200);
    const [line] = await auditSince(h, mark);
    expect([line.actor, line.action, line.outcome]).to.deep.equal(['ADMIN_TOKEN', 'staff.list', 'ok']);
  });

  it('audits a phone look-up with the phone it was about, masked alike whatever the spelling', async () => {
    const mark = await lastAuditId(h);
    await api(h, 'GET', '/admin/subscribers?phone=0501230001', operator.token);
    await api(h, 'GET', `/admin/events?phone=${encodeURIComponent('+38 050 123 00 01')}`, operator.token);
    await api(h, 'DELETE', '/admin/subscribers/0501230001', operator.token);
    await api(h, 'DELETE', '/admin/subscribers/0501230001', admin.token);
    const lines = await auditSince(h, mark);
    expect(lines.map((l) => [l.action, l.outcome, l.target])).to.deep.equal([
      ['subscriber.find', 'ok', 'phone:+380*******01'],
      ['event.search', 'ok', 'phone:+380*******01'],
      ['subscriber.delete', 'forbidden', 'phone:+380*******01'],
      ['subscriber.delete', 'not_found', 'phone:+380*******01'],
    ]);
  });

  it('accepts the Bearer scheme in any case, and nothing else', async () => {
    expect((await h.http('GET', '/admin/stats', undefined, { authorization: `bearer ${operator.token}` })).status).to.equal(200);
    expect((await h.http('GET', '/admin/stats', undefined, { authorization: `Basic ${operator.token}` })).status).to.equal(401);
    expect((await h.http('GET', '/admin/stats', undefined, { authorization: 'Bearer' })).status).to.equal(401);
  });

  it('keeps only a SHA-256 of each token', async () => {
    const rows = await h.vistka.db.manager.find(StaffToken, { where: { staffId: operator.id } });
    expect(rows).to.have.length(1);
    expect(rows[0].tokenHash).to.equal(hashToken(operator.token));
    expect(JSON.stringify(rows)).not.to.contain(operator.token);
  });

  it('stops a token the moment its staff member is removed', async () => {
    const member = await makeStaff(h, 'operator');
    expect((await api(h, 'GET', '/admin/stats', member.token)).status).to.equal(200);
    expect((await api(h, 'DELETE', `/admin/staff/${member.id}`, admin.token)).status).to.equal(200);
    expect((await api(h, 'GET', '/admin/stats', member.token)).status).to.equal(401);
    const list = await api(h, 'GET', '/admin/staff', admin.token);
    expect(list.json.staff.map((s: { id: string }) => s.id)).not.to.include(member.id);
  });

  it('marks every admin answer as not for caches', async () => {
    const reply = await api(h, 'GET', '/admin/stats', operator.token);
    expect(reply.headers['cache-control']).to.equal('no-store');
  });
});

describe('the admin API without ADMIN_TOKEN', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  it('refuses every call until a staff token exists (the CLI makes the first)', async () => {
    expect((await api(h, 'GET', '/admin/stats', null)).status).to.equal(401);
    expect((await api(h, 'GET', '/admin/stats', ADMIN_TOKEN)).status).to.equal(401);
  });
});

describe('a guessable ADMIN_TOKEN', () => {
  it('stops start-up with one line naming ADMIN_TOKEN', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', ADMIN_TOKEN: 'admin' });
    let failure: Error | null = null;
    await startVistka(config, { logger: createLogger('silent') }).then(
      (vistka) => vistka.close(),
      (error: Error) => {
        failure = error;
      },
    );
    expect(failure).to.be.instanceOf(Error);
    expect((failure as unknown as Error).message).to.match(/^Invalid ADMIN_TOKEN: expected at least 24 characters/);
  });

  it('stops start-up on a token with a space, which no Authorization header could carry', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', ADMIN_TOKEN: 'correct horse battery staple 0123' });
    const failure = await startVistka(config, { logger: createLogger('silent') }).then(
      async (vistka) => {
        await vistka.close();
        return null;
      },
      (error: Error) => error,
    );
    expect(failure?.message).to.match(/^Invalid ADMIN_TOKEN: expected no spaces/);
  });
});
