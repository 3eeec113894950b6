import { expect } from 'chai';
import { waitFor } from '../fakes/http';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, api, auditSince, expectAuditFree, lastAuditId, makeStaff } from './helpers';

describe('/admin/subscribers', () => {
  let h: Harness;
  let operator: { id: string; token: string };
  let admin: { id: string; token: string };
  const user = 'patient-viber-id-0001==';
  const phone = '+380673330001';

  before(async () => {
    h = await new Harness({ ...ADMIN_ENV, VIBER_DELIVERY_TIMEOUT_S: '0.5' }).start();
    operator = await makeStaff(h, 'operator');
    admin = await makeStaff(h, 'admin');
    await h.bindPhone(user, phone);
  });
  after(() => h.stop());

  it('shows the binding with the Viber id masked, and the last deliveries', async () => {
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForStatus(body.id as string, 'sent', 'delivered');
    const reply = await api(h, 'GET', `/admin/subscribers?phone=${encodeURIComponent('067 333 00 01')}`, operator.token);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.json.phone).to.equal(phone);
    expect(reply.json.binding).to.include({ active: true, subscribed: true, opted_out: false });
    expect(reply.json.binding.viber_id).to.equal('pat…==');
    expect(reply.text).not.to.contain(user);
    expect(Date.parse(reply.json.binding.verified_at)).to.be.closeTo(Date.now(), 60_000);
    expect(reply.json.last_deliveries[0]).to.include({ event_id: body.id, type: 'medication_request', channel: 'viber' });
  });

  it('answers binding null for a phone on SMS only', async () => {
    const reply = await api(h, 'GET', '/admin/subscribers?phone=%2B380673330099', operator.token);
    expect(reply.status).to.equal(200);
    expect(reply.json).to.deep.equal({ phone: '+380673330099', binding: null, last_deliveries: [] });
  });

  it('masks every phone in a list except the one searched for', async () => {
    await h.push(event({ phone_number: '+380673330002' }));
    const all = await api(h, 'GET', '/admin/events?limit=50', operator.token);
    expect(all.json.events.length).to.be.at.least(2);
    expect(all.json.events.every((e: { phone: string }) => /^\+380\*{7}\d{2}$/.test(e.phone))).to.equal(true);
    const one = await api(h, 'GET', `/admin/events?phone=${encodeURIComponent(phone)}`, operator.token);
    expect(one.json.events.length).to.be.at.least(1);
    expect(one.json.events.every((e: { phone: string }) => e.phone === phone)).to.equal(true);
  });

  it('ends a binding (admins only): the patient is told in Viber and the next code goes by SMS', async () => {
    expect((await api(h, 'DELETE', `/admin/subscribers/${encodeURIComponent(phone)}`, operator.token)).status).to.equal(403);
    const messagesBefore = h.viber.to(user).length;
    const mark = await lastAuditId(h);
    const reply = await api(h, 'DELETE', `/admin/subscribers/${encodeURIComponent(phone)}`, admin.token);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.json).to.deep.equal({ phone, ended: 1, notified: 1 });

    const notice = await waitFor('the notice in Viber', () => h.viber.to(user)[messagesBefore]);
    expect(notice.body.text).to.equal(
      'Повідомлення eHealth для номера +380 67 333 00 01 більше не надходитимуть у цей чат; коди приходитимуть у SMS. Щоб підключитися знову, надішліть номер.',
    );

    const smsBefore = h.turbo.to(phone).length;
    const body = event({ phone_number: phone });
    await h.push(body);
    const view = await h.waitForStatus(body.id as string, 'sent');
    expect(view.channel).to.equal('sms');
    expect(h.turbo.to(phone).length).to.equal(smsBefore + 1);
    expect(h.viber.to(user).filter((m) => m.body.type === 'rich_media').length).to.equal(1);

    const lookup = await api(h, 'GET', `/admin/subscribers?phone=${encodeURIComponent(phone)}`, operator.token);
    expect(lookup.json.binding).to.equal(null);

    const lines = (await auditSince(h, mark)).filter((l) => l.action === 'subscriber.delete');
    expect(lines.map((l) => [l.actor, l.target, l.outcome])).to.deep.equal([[`staff:${admin.id}`, 'phone:+380*******01', 'ok']]);
  });

  it('answers 404 when there is no binding left to end', async () => {
    const reply = await api(h, 'DELETE', `/admin/subscribers/${encodeURIComponent(phone)}`, admin.token);
    expect(reply.status).to.equal(404);
    expect(reply.json.error.message).not.to.contain(phone);
  });

  it('shows whoever proves the phone after the unbind none of what was sent to it before', async () => {
    // The first test's card went to `user` on Viber; the unbind test's code went by SMS.
    const newcomer = 'newcomer-after-unbind==';
    // One claim a minute per phone: the first owner's is moved back in time.
    await h.sql('UPDATE phone_claims SET created_at = created_at - ? WHERE phone = ?', [120_000, phone]);
    await h.bindPhone(newcomer, phone);
    for (const question of ['які в мене рецепти?', 'код для аптеки']) {
      const before = h.viber.to(newcomer).length;
      await h.say(newcomer, question);
      const answer = await waitFor(`the answer to ${question}`, () => h.viber.to(newcomer)[before]);
      expect(JSON.stringify(answer.body)).not.to.contain('0000-K8K5-5MTE-352H').and.not.to.contain('1234');
    }
  });

  it('lets a patient who proves their own phone again see what was sent to it while no one else had it', async () => {
    const own = '+380673330055';
    const patient = 'returning-patient==';
    await h.bindPhone(patient, own);
    expect((await api(h, 'DELETE', `/admin/subscribers/${encodeURIComponent(own)}`, admin.token)).status).to.equal(200);
    const body = event({ phone_number: own, number: '0000-TTTT-XXXX-5555', code: '5555' });
    await h.push(body);
    await h.waitForStatus(body.id as string, 'sent');
    await h.sql('UPDATE phone_claims SET created_at = created_at - ? WHERE phone = ?', [120_000, own]);
    await h.bindPhone(patient, own);
    const before = h.viber.to(patient).length;
    await h.say(patient, 'які в мене рецепти?');
    const answer = await waitFor('the list', () => h.viber.to(patient)[before]);
    expect(JSON.stringify(answer.body)).to.contain('0000-TTTT-XXXX-5555');
  });

  it('never wrote a full phone into the audit log', async () => {
    await expectAuditFree(h, [phone, phone.slice(1), '0673330001', '+380673330099', '0673330002']);
  });
});
