import { expect } from 'chai';
import { maskPhonesInText } from '../../src/privacy';
import { Harness } from '../helpers/harness';
import { ADMIN_ENV, ADMIN_TOKEN, api, makeStaff } from './helpers';

describe('the audit log', () => {
  let h: Harness;
  let admin: { id: string; token: string; name: string };
  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
    admin = await makeStaff(h, 'admin', 'Аудитор');
  });
  after(() => h.stop());

  it('lists the newest lines first, up to ?limit', async () => {
    await api(h, 'GET', '/admin/stats', null);
    await api(h, 'GET', '/admin/stats', admin.token);
    const reply = await api(h, 'GET', '/admin/audit?limit=2', admin.token);
    expect(reply.status).to.equal(200);
    expect(reply.json.entries).to.have.length(2);
    const [newest, previous] = reply.json.entries;
    expect(newest.id).to.be.greaterThan(previous.id);
    expect(newest).to.deep.include({ via: 'http', actor: `staff:${admin.id}`, actor_name: 'Аудитор', action: 'stats.view', target: null, outcome: 'ok', source: '127.0.0.1' });
    expect(previous).to.deep.include({ actor: 'anonymous', action: 'stats.view', outcome: 'denied', detail: 'no bearer token' });
    expect(Date.parse(newest.at)).to.be.closeTo(Date.now(), 10_000);
  });

  it('records who created whom, and the token issued, without the token', async () => {
    const created = await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name: 'Новенька', role: 'operator' });
    const issued = await api(h, 'POST', `/admin/staff/${created.json.id}/tokens`, admin.token);
    const { entries } = (await api(h, 'GET', '/admin/audit?limit=3', admin.token)).json;
    const interesting = entries.filter((e: { action: string }) => e.action !== 'audit.view').reverse();
    expect(interesting.map((e: any) => [e.actor, e.action, e.target, e.detail])).to.deep.equal([
      ['ADMIN_TOKEN', 'staff.create', `staff:${created.json.id}`, 'role operator'],
      [`staff:${admin.id}`, 'token.issue', `staff:${created.json.id}`, null],
    ]);
    expect(JSON.stringify(entries)).not.to.contain(issued.json.token);
  });

  it('is append-only in the database itself', async () => {
    const db = h.vistka.db;
    for (const sql of ['UPDATE audit_log SET outcome = \'ok\'', 'DELETE FROM audit_log']) {
      let refused: Error | null = null;
      await db.tx((manager) => manager.query(sql)).catch((error: Error) => {
        refused = error;
      });
      expect(refused, sql).to.be.instanceOf(Error);
      expect(String((refused as unknown as Error).message)).to.contain('append-only');
    }
    expect((await api(h, 'GET', '/admin/audit?limit=1', admin.token)).json.entries).to.have.length(1);
  });

  it('records the connection\'s address, not one a client writes into X-Forwarded-For', async () => {
    await api(h, 'GET', '/admin/stats', admin.token, undefined, { 'x-forwarded-for': '203.0.113.9' });
    const [newest] = (await api(h, 'GET', '/admin/audit?limit=1', admin.token)).json.entries;
    expect(newest.source).to.equal('127.0.0.1');
  });

  it('behind a proxy (TRUST_PROXY=true) records the address the proxy added, the last one', async () => {
    const behindProxy = await new Harness({ ...ADMIN_ENV, TRUST_PROXY: 'true' }).start();
    try {
      await api(behindProxy, 'GET', '/admin/stats', ADMIN_TOKEN, undefined, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' });
      const [newest] = (await api(behindProxy, 'GET', '/admin/audit?limit=2', ADMIN_TOKEN)).json.entries.filter((entry: { action: string }) => entry.action === 'stats.view');
      expect(newest.source).to.equal('198.51.100.7');
    } finally {
      await behindProxy.stop();
    }
  });

  it('masks phones, in any spelling, that reach it', () => {
    expect(maskPhonesInText('phone:+380671234567 / 380671234567 / 0671234567 / 067123456')).to.equal(
      'phone:+380*******67 / +380*******67 / +380*******67 / 067123456',
    );
  });
});
