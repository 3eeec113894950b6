import { expect } from 'chai';
import { Harness } from '../helpers/harness';
import { ADMIN_ENV, ADMIN_TOKEN, api, auditLines, makeStaff } from './helpers';

describe('/admin/staff', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
  });
  after(() => h.stop());

  const create = (viberId: string, name = 'Черговий') => api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name, role: 'operator', viber_id: viberId });

  it('gives a Viber id to one current member only: 409 naming viber_id, also when created at once', async () => {
    expect((await create('first-viber-id==')).status).to.equal(201);
    const taken = await create('first-viber-id==');
    expect(taken.status).to.equal(409);
    expect(taken.json.error).to.deep.include({ code: 'viber_id_taken', fields: [{ field: 'viber_id', problem: 'already belongs to another staff member' }] });

    const statuses = (await Promise.all(Array.from({ length: 6 }, () => create('raced-viber-id==')))).map((reply) => reply.status);
    expect(statuses.filter((status) => status === 201)).to.have.length(1);
    expect(statuses.filter((status) => status === 409)).to.have.length(5);
    const listed = await api(h, 'GET', '/admin/staff', ADMIN_TOKEN);
    expect(listed.json.staff.filter((member: { viber_id: string }) => member.viber_id === 'raced-viber-id==')).to.have.length(1);
  });

  it('revokes every token of a member (admins only), who stays staff and can be given a new one', async () => {
    const operator = await makeStaff(h, 'operator', 'Оператор');
    const second = (await api(h, 'POST', `/admin/staff/${operator.id}/tokens`, ADMIN_TOKEN)).json.token;
    expect((await api(h, 'DELETE', `/admin/staff/${operator.id}/tokens`, operator.token)).status).to.equal(403);
    const reply = await api(h, 'DELETE', `/admin/staff/${operator.id}/tokens`, ADMIN_TOKEN);
    expect([reply.status, reply.json]).to.deep.equal([200, { id: operator.id, revoked: 2 }]);
    for (const token of [operator.token, second]) expect((await api(h, 'GET', '/admin/stats', token)).status).to.equal(401);
    const listed = (await api(h, 'GET', '/admin/staff', ADMIN_TOKEN)).json.staff.find((member: { id: string }) => member.id === operator.id);
    expect(listed).to.include({ name: 'Оператор', tokens: 0 });
    const fresh = (await api(h, 'POST', `/admin/staff/${operator.id}/tokens`, ADMIN_TOKEN)).json.token;
    expect((await api(h, 'GET', '/admin/stats', fresh)).status).to.equal(200);
    expect((await api(h, 'DELETE', '/admin/staff/00000000-0000-4000-8000-000000000000/tokens', ADMIN_TOKEN)).status).to.equal(404);
    const line = (await auditLines(h)).filter((entry) => entry.action === 'token.revoke');
    expect(line.map((entry) => [entry.outcome, entry.detail])).to.deep.include.members([['ok', '2 token(s)'], ['forbidden', 'needs role admin, has operator']]);
  });

  it('removes a member once when asked several times at once, and frees their Viber id', async () => {
    const created = await create('leaving-viber-id==', 'Звільнений');
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => api(h, 'DELETE', `/admin/staff/${created.json.id}`, ADMIN_TOKEN)))).map((reply) => reply.status);
    expect(statuses.sort()).to.deep.equal([200, 404, 404, 404]);
    expect((await create('leaving-viber-id==', 'Наступник')).status).to.equal(201);
  });
});
