import { expect } from 'chai';
import { Harness } from '../helpers/harness';
import { ADMIN_ENV, ADMIN_TOKEN, api } from './helpers';

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

  it('removes a member once when asked several times at once, and frees their Viber id', async () => {
    const created = await create('leaving-viber-id==', 'Звільнений');
    const statuses = (await Promise.all(Array.from({ length: 4 }, () => api(h, 'DELETE', `/admin/staff/${created.json.id}`, ADMIN_TOKEN)))).map((reply) => reply.status);
    expect(statuses.sort()).to.deep.equal([200, 404, 404, 404]);
    expect((await create('leaving-viber-id==', 'Наступник')).status).to.equal(201);
  });
});
