import { expect } from 'chai';
import { EhealthEvent } from '../../src/entities/EhealthEvent';
import { translator } from '../../src/i18n';
import { sleep, waitFor } from '../fakes/http';
import { event, Harness } from '../helpers/harness';
import { ADMIN_ENV, ADMIN_TOKEN, api, auditSince, expectAuditFree, lastAuditId } from './helpers';

/** Staff words a stranger's answer must not contain. */
const STAFF_MARKERS = ['/resend', '/stats', '/find', '/event', 'Vistka', 'Сьогодні', 'персонал', 'staff', 'Подія', 'поставлено'];

describe('staff commands in Viber', () => {
  let h: Harness;
  const staffUser = 'staff-viber-user-01==';
  const englishStaff = 'staff-viber-user-en==';
  const stranger = 'stranger-viber-user==';
  const patient = 'patient-viber-user-7==';
  const patientPhone = '+380504440007';
  const phone = '+380504440001';
  let staffId: string;
  let eventId: string;
  let sent = 0;
  /** The SMS that carried the event (not the codes a stranger's claim of a phone sends). */
  const eventSms = () => h.turbo.to(phone).filter((sms) => sms.text.includes('0000-K8K5-5MTE-352H')).length;

  /** Sends a text as `user` and returns the bot's next answer. */
  async function ask(user: string, text: string, language = 'uk'): Promise<Record<string, any>> {
    const count = h.viber.to(user).length;
    await h.say(user, text, { language });
    return h.botMessage(user, count + 1);
  }

  before(async () => {
    h = await new Harness(ADMIN_ENV).start();
    const created = await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name: 'Оператор Вайбер', role: 'operator', viber_id: staffUser });
    staffId = created.json.id;
    await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name: 'English Operator', role: 'operator', viber_id: englishStaff });
    const body = event({ phone_number: phone, code: '8264' });
    eventId = body.id as string;
    await h.push(body);
    await h.waitForStatus(eventId, 'sent');
    sent = eventSms();
    await h.bindPhone(patient, patientPhone);
  });
  after(() => h.stop());

  it('/help lists the commands in Ukrainian', async () => {
    const reply = await ask(staffUser, '/help');
    expect(reply.text).to.contain('Команди персоналу Vistka').and.contain('/resend <id>').and.contain('/find +380');
  });

  it('/help answers in English to an English-language Viber client', async () => {
    const reply = await ask(englishStaff, '/help', 'en');
    expect(reply.text).to.contain('Vistka staff commands').and.contain('/stats');
  });

  it('/stats shows today and the last 7 days', async () => {
    const reply = await ask(staffUser, '/stats');
    expect(reply.text).to.contain('Сьогодні:').and.contain('За 7 днів:').and.contain('подій: ').and.contain('Завдань у черзі: ');
    // The command's own job is being worked on: it is counted as running, not as waiting.
    const [, waiting, running] = /Завдань у черзі: (\d+), з них до виконання зараз: \d+; виконуються: (\d+)/.exec((await ask(staffUser, '/stats')).text) ?? [];
    expect(Number(running)).to.be.at.least(1);
    await waitFor('the command\'s job to finish', async () => (await h.vistka.queue.depth()) === Number(waiting));
  });

  it('/find shows the binding and the latest messages of a phone', async () => {
    const reply = await ask(staffUser, `/find ${phone}`);
    expect(reply.text).to.contain(`Номер ${phone} не прив'язаний до Viber`).and.contain(eventId);
    const bound = await ask(staffUser, '/find 050 444 00 07');
    expect(bound.text).to.contain('прив\'язаний до Viber (pat…==)').and.contain('повідомлення йдуть у Viber');
    expect(bound.text).not.to.contain(patient);
    const usage = await ask(staffUser, '/find nobody');
    expect(usage.text).to.equal('Вкажіть номер: /find +380671234567');
  });

  it('/event shows the state and the attempts, but not the code', async () => {
    const reply = await ask(staffUser, `/event ${eventId}`);
    expect(reply.text).to.contain(`Подія ${eventId}`).and.contain('Стан: sent, канал: sms').and.contain('sms/turbosms: sent').and.contain('+380*******01');
    expect(reply.text).not.to.contain('8264');
    expect(reply.text).not.to.contain(phone);
    expect((await ask(staffUser, '/event no-such-event')).text).to.equal('Подію no-such-event не знайдено.');
  });

  it('/resend starts a new cascade: exactly one new SMS', async () => {
    const mark = await lastAuditId(h);
    const reply = await ask(staffUser, `/resend ${eventId}`);
    expect(reply.text).to.contain(`Подію ${eventId} поставлено на повторне надсилання (спроба № 1)`);
    await h.waitForStatus(eventId, 'sent');
    const view = (await h.status(eventId)).json;
    expect(view.attempts.filter((a: { channel: string }) => a.channel === 'sms')).to.have.length(2);
    await sleep(300);
    expect(eventSms()).to.equal(sent + 1);
    sent = eventSms();
    const lines = (await auditSince(h, mark)).filter((l) => l.action === 'event.resend');
    expect(lines.map((l) => [l.via, l.actor, l.actorName, l.target, l.outcome, l.detail])).to.deep.equal([
      ['viber', `staff:${staffId}`, 'Оператор Вайбер', `event:${eventId}`, 'ok', 'round 1'],
    ]);
  });

  it('/resend refuses an event without a phone, pointing at the note', async () => {
    const body = event({ phone_number: null });
    await h.push(body);
    const reply = await ask(staffUser, `/resend ${body.id}`);
    expect(reply.text).to.contain('немає номера телефону').and.contain('інформаційну довідку');
  });

  it('answers an unknown command with the list', async () => {
    const reply = await ask(staffUser, '/frobnicate');
    expect(reply.text).to.contain('Невідома команда «/frobnicate»').and.contain('/help');
  });

  describe('from someone who is not staff', () => {
    const t = translator('uk');
    const patientTexts = [t('bot:invite'), t('bot:welcome')];
    // A phone number in a text is, to the patient bot, a request to bind it: the ordinary answer.
    const claimText = t('bot:code_sent', { phone: '+380 50 444 00 01' });

    for (const command of ['/help', '/stats', `/find ${phone}`, '/event EVENT', '/resend EVENT']) {
      it(`gives a stranger the ordinary patient answer to "${command.split(' ')[0]}", and does nothing`, async () => {
        const text = command.replace('EVENT', eventId);
        const mark = await lastAuditId(h);
        const roundBefore = (await h.vistka.db.manager.findOneByOrFail(EhealthEvent, { id: eventId })).round;
        const reply = await ask(stranger, text);
        expect(command.startsWith('/find') ? [claimText] : patientTexts).to.include(reply.text);
        for (const marker of [...STAFF_MARKERS, eventId, phone]) expect(JSON.stringify(reply)).not.to.contain(marker);
        await sleep(200);
        expect((await h.vistka.db.manager.findOneByOrFail(EhealthEvent, { id: eventId })).round).to.equal(roundBefore);
        expect(eventSms()).to.equal(sent);
        const lines = await auditSince(h, mark);
        expect(lines).to.have.length(1);
        expect([lines[0].via, lines[0].actor, lines[0].outcome, lines[0].detail]).to.deep.equal(['viber', 'viber:str…==', 'forbidden', 'not staff']);
      });
    }

    it('gives a verified patient their ordinary answer, not a staff one', async () => {
      const reply = await ask(patient, `/resend ${eventId}`);
      for (const marker of [...STAFF_MARKERS, eventId, phone]) expect(JSON.stringify(reply)).not.to.contain(marker);
      expect(reply.keyboard?.Buttons?.length).to.be.greaterThan(0);
    });

    it('stops answering a staff member the moment they are removed', async () => {
      const member = await api(h, 'POST', '/admin/staff', ADMIN_TOKEN, { name: 'Тимчасова', role: 'operator', viber_id: 'temp-staff-viber==' });
      expect((await ask('temp-staff-viber==', '/help')).text).to.contain('Команди персоналу');
      await api(h, 'DELETE', `/admin/staff/${member.json.id}`, ADMIN_TOKEN);
      expect(patientTexts).to.include((await ask('temp-staff-viber==', '/help')).text);
    });
  });

  describe('afterwards', () => {
    it('never wrote the code or a full phone into the audit log', async () => {
      expect((await auditSince(h, 0)).some((l) => l.target === 'phone:+380*******01' && l.outcome === 'forbidden')).to.equal(true);
      await expectAuditFree(h, ['8264', phone, phone.slice(1), '0504440001', patientPhone, '0504440007']);
    });
  });
});
