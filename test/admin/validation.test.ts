import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, ADMIN_TOKEN, api, auditSince, lastAuditId } from './helpers';

/** The fields a 422 names, in order. */
const fieldsOf = (json: any): string[] => (json?.error?.fields ?? []).map((f: { field: string }) => f.field);

describe('the admin API on bad input', () => {
  let h: Harness;
  const call = (method: string, path: string, body?: unknown) => api(h, method, path, ADMIN_TOKEN, body);
  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
  });
  after(() => h.stop());

  it('names every bad filter of GET /admin/events', async () => {
    const reply = await call('GET', '/admin/events?status=lost&type=fax&phone=12345&limit=0');
    expect(reply.status).to.equal(422);
    expect(reply.json.error.code).to.equal('invalid_input');
    expect(fieldsOf(reply.json)).to.deep.equal(['status', 'type', 'phone', 'limit']);
    for (const field of reply.json.error.fields) expect(field.problem).to.be.a('string').and.not.be.empty;
  });

  it('refuses a repeated parameter and a limit that is not a number', async () => {
    const repeated = await call('GET', '/admin/events?limit=1&limit=2');
    expect(repeated.status).to.equal(422);
    expect(repeated.json.error.fields).to.deep.equal([{ field: 'limit', problem: 'is given more than once' }]);
    const words = await call('GET', '/admin/events?limit=ten');
    expect(fieldsOf(words.json)).to.deep.equal(['limit']);
    const huge = await call('GET', '/admin/audit?limit=100000');
    expect(huge.status).to.equal(422);
    expect(fieldsOf(huge.json)).to.deep.equal(['limit']);
  });

  it('refuses a malformed event id (422) and answers 404 for an unknown one', async () => {
    const malformed = await call('GET', `/admin/events/${encodeURIComponent('bad id!')}`);
    expect(malformed.status).to.equal(422);
    expect(fieldsOf(malformed.json)).to.deep.equal(['id']);
    for (const path of ['/admin/events/nope', '/admin/events/nope/note', '/admin/events/nope/resend']) {
      const reply = await call(path.endsWith('resend') ? 'POST' : 'GET', path);
      expect(reply.status, path).to.equal(404);
      expect(reply.json.error.code).to.equal('not_found');
    }
  });

  it('asks for a token before telling whether an admin path exists', async () => {
    for (const [method, path] of [['GET', '/admin/nothing-here'], ['GET', '/admin'], ['DELETE', '/admin/stats'], ['PUT', '/admin/staff/x/y/z']]) {
      const anonymous = await api(h, method, path, null);
      expect(anonymous.status, `${method} ${path}`).to.equal(401);
      expect(anonymous.json.error.code).to.equal('unauthorized');
    }
    const unknown = await call('GET', '/admin/nothing-here');
    expect(unknown.status).to.equal(404);
    expect(unknown.json.error.code).to.equal('not_found');
    const wrongMethod = await call('DELETE', '/admin/stats');
    expect(wrongMethod.status).to.equal(405);
    expect(String(wrongMethod.headers.allow)).to.contain('GET');
    const before = await lastAuditId(h);
    await call('GET', '/admin/subscribers/+380671234567/extra');
    const [line] = await auditSince(h, before);
    expect(line.outcome).to.equal('not_found');
    expect(JSON.stringify(line)).not.to.contain('671234567');
  });

  it('names an unknown note format or language', async () => {
    const body = event({ phone_number: null });
    await h.push(body);
    const reply = await call('GET', `/admin/events/${body.id}/note?format=docx&lang=de`);
    expect(reply.status).to.equal(422);
    expect(fieldsOf(reply.json)).to.deep.equal(['format', 'lang']);
  });

  it('needs a valid phone to look a binding up or end it', async () => {
    const missing = await call('GET', '/admin/subscribers');
    expect(missing.status).to.equal(422);
    expect(missing.json.error.fields).to.deep.equal([{ field: 'phone', problem: 'is required: a Ukrainian mobile number such as +380671234567' }]);
    expect(fieldsOf((await call('GET', '/admin/subscribers?phone=+1555')).json)).to.deep.equal(['phone']);
    const badDelete = await call('DELETE', '/admin/subscribers/12345');
    expect(badDelete.status).to.equal(422);
    expect(fieldsOf(badDelete.json)).to.deep.equal(['phone']);
  });

  it('names every bad field of a new staff member and writes nothing', async () => {
    const before = (await call('GET', '/admin/staff')).json.staff.length;
    const empty = await call('POST', '/admin/staff', {});
    expect(empty.status).to.equal(422);
    expect(fieldsOf(empty.json)).to.deep.equal(['name', 'role']);
    const wrong = await call('POST', '/admin/staff', { name: 'x'.repeat(101), role: 'boss', viber_id: 42 });
    expect(fieldsOf(wrong.json)).to.deep.equal(['name', 'role', 'viber_id']);
    for (const name of ['Олена\uD83D', '\u202EОлена', 'Олена\u0085']) {
      const hidden = await call('POST', '/admin/staff', { name, role: 'operator' });
      expect([hidden.status, fieldsOf(hidden.json)], name).to.deep.equal([422, ['name']]);
    }
    const notObject = await call('POST', '/admin/staff', [1, 2]);
    expect(fieldsOf(notObject.json)).to.deep.equal(['body']);
    const notJson = await call('POST', '/admin/staff', '{"name": ');
    expect(notJson.status).to.equal(400);
    expect(notJson.json.error.code).to.equal('invalid_json');
    const huge = await call('POST', '/admin/staff', JSON.stringify({ name: 'a', role: 'admin', pad: 'x'.repeat(20_000) }));
    expect(huge.status).to.equal(413);
    expect((await call('GET', '/admin/staff')).json.staff.length).to.equal(before);
  });

  it('refuses a Viber id that another staff member already has (409 naming viber_id)', async () => {
    expect((await call('POST', '/admin/staff', { name: 'Перша', role: 'operator', viber_id: 'dup-viber-id=' })).status).to.equal(201);
    const second = await call('POST', '/admin/staff', { name: 'Друга', role: 'operator', viber_id: 'dup-viber-id=' });
    expect(second.status).to.equal(409);
    expect(fieldsOf(second.json)).to.deep.equal(['viber_id']);
  });

  it('refuses a staff id that is not a UUID (422) and answers 404 for an unknown one', async () => {
    const malformed = await call('DELETE', '/admin/staff/42');
    expect(malformed.status).to.equal(422);
    expect(fieldsOf(malformed.json)).to.deep.equal(['id']);
    expect((await call('DELETE', `/admin/staff/${randomUUID()}`)).status).to.equal(404);
    expect((await call('POST', `/admin/staff/${randomUUID()}/tokens`)).status).to.equal(404);
  });

  it('records refused input in the audit log as invalid, naming the fields but not the values', async () => {
    const mark = await lastAuditId(h);
    await call('GET', '/admin/subscribers?phone=0671234');
    const [line] = await auditSince(h, mark);
    expect([line.action, line.outcome]).to.deep.equal(['subscriber.find', 'invalid']);
    expect(line.detail).to.contain('phone');
    expect(line.detail).not.to.contain('0671234');
  });

  it('answers 405 for a method a path does not have', async () => {
    const reply = await call('PUT', '/admin/stats');
    expect(reply.status).to.equal(405);
    expect(reply.json.error.code).to.equal('method_not_allowed');
  });

  it('never answered a client mistake with a 500', () => {
    expect(h.logs.filter((line) => line.includes('unhandled error'))).to.deep.equal([]);
  });
});
