import { expect } from 'chai';
import { answerText, documentsOf } from '../../src/bot/answers';
import type { EhealthEvent } from '../../src/entities/EhealthEvent';
import { translator } from '../../src/i18n';
import { waitFor } from '../fakes/http';
import { viberCallbacks } from '../fakes/viber-api';
import { event, Harness } from '../helpers/harness';

const DAY = 24 * 3600_000;
const NOW = Date.parse('2026-11-26T10:00:00Z');
const t = translator('uk');

function stored(overrides: Partial<EhealthEvent>): EhealthEvent {
  return {
    id: Math.random().toString(36),
    type: 'medication_request',
    phone: '+380671234567',
    thirdPerson: false,
    patientId: 'self',
    patientName: 'Іваненко О.',
    number: '0000-K8K5-5MTE-352H',
    code: '1234',
    expiresAt: NOW + 10 * DAY,
    details: JSON.stringify({ medication: 'Метформін', dosage: '500 мг' }),
    fingerprint: 'x',
    status: 'sent',
    channel: 'sms',
    reason: null,
    round: 0,
    createdAt: NOW - DAY,
    updatedAt: NOW - DAY,
    ...overrides,
  } as EhealthEvent;
}

describe('answers', () => {
  it('lists active prescriptions first with code, medication and valid-until, then recent ones', () => {
    const events = [
      stored({ number: '0000-AAAA-AAAA-AAA1', code: '1111', createdAt: NOW - 1 * DAY, expiresAt: NOW - 1000 }),
      stored({ number: '0000-AAAA-AAAA-AAA2', code: '2222', createdAt: NOW - 2 * DAY, expiresAt: Date.parse('2026-12-21T23:59:59Z') }),
    ];
    const text = answerText('prescriptions', events, NOW, t, 'uk');
    expect(text.indexOf('AAA2')).to.be.below(text.indexOf('AAA1'));
    expect(text).to.contain('код 2222').and.contain('21 грудня 2026').and.contain('Метформін, 500 мг').and.contain('ще 25 днів');
    expect(text).to.contain('термін минув');
    expect(text).to.not.contain('1111');
  });

  it('groups by patient when the phone receives for several (a parent)', () => {
    const events = [
      stored({ number: '0000-AAAA-AAAA-AAA3', thirdPerson: true, patientId: 'kid', patientName: 'Петренко Марія' }),
      stored({ number: '0000-AAAA-AAAA-AAA4', thirdPerson: false }),
    ];
    const text = answerText('prescriptions', events, NOW, t, 'uk');
    expect(text).to.contain('Для: Петренко Марія').and.contain('Для вас');
  });

  it('shows a withdrawn prescription as withdrawn, without its code', () => {
    const events = [
      stored({ type: 'medication_request_rejected', number: '0000-AAAA-AAAA-AAA5', code: null, createdAt: NOW - 1000 }),
      stored({ number: '0000-AAAA-AAAA-AAA5', code: '5555', createdAt: NOW - DAY }),
    ];
    expect(documentsOf(events, NOW)[0].state).to.equal('rejected');
    const text = answerText('prescriptions', events, NOW, t, 'uk');
    expect(text).to.contain('відкликано').and.not.contain('5555');
    expect(answerText('last_code', events, NOW, t, 'uk')).to.not.contain('5555');
  });

  it('gives the newest valid code and what it is for', () => {
    const events = [
      stored({ type: 'verification', number: null, code: '9999', createdAt: NOW - 1000, expiresAt: NOW - 1 }),
      stored({ type: 'service_request', number: '1234-5678-9012-3456', code: '7777', createdAt: NOW - 2000, details: JSON.stringify({ service: 'Консультація ендокринолога' }) }),
      stored({ code: '1234', createdAt: NOW - DAY }),
    ];
    const text = answerText('last_code', events, NOW, t, 'uk');
    expect(text).to.contain('7777').and.contain('Направлення № 1234-5678-9012-3456').and.contain('ендокринолога').and.contain('ще 10 днів');
  });

  it('answers «код для аптеки» with the prescription\'s code, not a newer authorisation code for the doctor', () => {
    const events = [
      stored({ type: 'verification', number: null, code: '4411', expiresAt: null, createdAt: NOW - 60_000 }),
      stored({ type: 'service_request', number: '1234-5678-9012-3456', code: '7722', createdAt: NOW - 2000 }),
      stored({ code: '1233', createdAt: NOW - DAY }),
    ];
    const answer = (question: string) => answerText('last_code', events, NOW, t, 'uk', question);
    for (const question of ['код для аптеки', 'kod dlia apteky', 'код на інсулін', 'код до рецепта']) {
      expect(answer(question), question).to.contain('1233').and.not.contain('4411');
    }
    expect(answer('код для направлення на аналіз')).to.contain('7722');
    expect(answer('код для лікаря')).to.contain('4411');
    // Asked without saying which: the newest.
    expect(answer('який останній код?')).to.contain('4411');
  });

  it('answers about the child or the medicine the question names', () => {
    const events = [
      stored({ type: 'verification', number: null, code: '5555', expiresAt: null, createdAt: NOW - 60_000 }),
      stored({ number: '0000-AAAA-AAAA-AAD1', code: '2222', thirdPerson: true, patientId: 'daria', patientName: "Коваль Дар'я", createdAt: NOW - 2 * DAY }),
      stored({ type: 'service_request', number: '1234-5678-9012-0001', code: '3333', thirdPerson: true, patientId: 'illia', patientName: 'Коваль Ілля', createdAt: NOW - 3 * DAY, details: JSON.stringify({ service: 'Консультація ЛОР' }) }),
      stored({ number: '0000-AAAA-AAAA-AAL1', code: '4444', createdAt: NOW - 40 * DAY, expiresAt: NOW - 5 * DAY, details: JSON.stringify({ medication: 'Лізиноприл', dosage: '10 мг' }) }),
      stored({ number: '0000-AAAA-AAAA-AAM1', code: '6666', createdAt: NOW - 4 * DAY, details: JSON.stringify({ medication: 'Метформін', dosage: '500 мг' }) }),
    ];
    const answer = (intent: 'last_code' | 'expiry' | 'prescriptions', question: string) => answerText(intent, events, NOW, t, 'uk', question);
    expect(answer('last_code', 'який код для дарʼї')).to.contain('2222').and.not.contain('5555');
    expect(answer('last_code', 'код для Іллі')).to.contain('3333').and.not.contain('2222');
    expect(answer('last_code', 'який останній код')).to.contain('5555');
    // An expired medicine asked about by name is said to have expired, not left out.
    const lisinopril = answer('expiry', 'рецепт на лізиноприл ще дійсний?');
    expect(lisinopril).to.contain('Лізиноприл').and.contain('термін минув').and.not.contain('Метформін');
    expect(answer('expiry', 'до якого числа рецепт на метформін')).to.contain('Метформін').and.not.contain('Лізиноприл');
    // "коли" is not Коля, nor anyone else.
    expect(answer('expiry', 'коли закінчується рецепт')).to.contain('Метформін').and.contain("Коваль Дар'я");
  });

  it('reads a name in its cases but not a patronymic, a three-letter name, a document number and an abbreviation', () => {
    const events = [
      stored({ number: '0000-AAAA-AAAA-AAD2', code: '2121', thirdPerson: true, patientId: 'daria', patientName: 'Коваль Дарія Олександрівна', createdAt: NOW - 2 * DAY }),
      stored({ number: '0000-AAAA-AAAA-AAO2', code: '2323', thirdPerson: true, patientId: 'oleksandr', patientName: 'Коваль Олександр', createdAt: NOW - 3 * DAY }),
      stored({ number: '0000-AAAA-AAAA-AAL2', code: '2424', thirdPerson: true, patientId: 'lev', patientName: 'Коваль Лев', createdAt: NOW - 4 * DAY }),
      stored({ type: 'service_request', number: '1234-5678-9ABC-0002', code: '2525', createdAt: NOW - 5 * DAY, details: JSON.stringify({ service: 'УЗД органів черевної порожнини' }) }),
      stored({ type: 'medication_request_rejected', number: '0000-AAAA-AAAA-AAW2', code: null, createdAt: NOW - DAY }),
      stored({ number: '0000-AAAA-AAAA-AAW2', code: '2626', createdAt: NOW - 6 * DAY }),
    ];
    const answer = (intent: 'last_code' | 'expiry' | 'prescriptions' | 'referrals', question: string) => answerText(intent, events, NOW, t, 'uk', question);
    expect(answer('last_code', 'код для дарʼї')).to.contain('2121');
    const forOleksandr = answer('prescriptions', 'рецепт для Олександра');
    expect(forOleksandr).to.contain('0000-AAAA-AAAA-AAO2').and.not.contain('0000-AAAA-AAAA-AAD2');
    expect(answer('prescriptions', 'рецепт для Лева')).to.contain('0000-AAAA-AAAA-AAL2').and.not.contain('0000-AAAA-AAAA-AAO2');
    expect(answer('referrals', 'направлення для Лева')).to.equal('Для пацієнта Коваль Лев зараз немає такого документа чи дійсного коду.');
    expect(answer('expiry', 'до коли діє направлення на УЗД?')).to.contain('1234-5678-9ABC-0002').and.not.contain('0000-');
    // A withdrawn prescription asked about by number says so; a number not among them is said to be unknown.
    expect(answer('expiry', 'рецепт 0000-АААА-АААА-ААW2 ще діє?')).to.contain('відкликано');
    expect(answer('expiry', 'рецепт 0000-9999-9999-9999 діє?')).to.contain('Документа № 0000-9999-9999-9999').and.contain('немає');
  });

  it('does not offer an authorisation code without expires_at after its 15 minutes', () => {
    const old = stored({ type: 'verification', number: null, code: '4499', expiresAt: null, createdAt: NOW - 16 * 60_000 });
    expect(answerText('last_code', [old], NOW, t, 'uk')).not.to.contain('4499');
    const fresh = stored({ type: 'verification', number: null, code: '4499', expiresAt: null, createdAt: NOW - 5 * 60_000 });
    expect(answerText('last_code', [fresh], NOW, t, 'uk')).to.contain('4499');
    // Until when, to the minute: 10 minutes from now, in Kyiv.
    const kyivTime = new Intl.DateTimeFormat('uk-UA', { timeZone: 'Europe/Kyiv', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(NOW + 10 * 60_000));
    expect(answerText('last_code', [fresh], NOW, t, 'uk')).to.contain(`Дійсний щонайбільше до ${kyivTime}`);
    // "Until when is the code valid" asks about the code, not the documents.
    expect(answerText('expiry', [fresh, stored({ code: '1234' })], NOW, t, 'uk', 'до коли діє код?')).to.contain('4499').and.contain(`до ${kyivTime}`);
  });

  it('counts days left on the calendar: none on the last day, 34 from 26 November to 30 December', () => {
    const lateToday = stored({ number: '0000-AAAA-AAAA-AAA7', code: '7070', expiresAt: Date.parse('2026-11-26T21:00:00Z') });
    expect(answerText('prescriptions', [lateToday], NOW, t, 'uk')).to.contain('сьогодні останній день');
    const december = stored({ number: '0000-AAAA-AAAA-AAA8', code: '8080', expiresAt: Date.parse('2026-12-30T23:59:59Z') });
    expect(answerText('prescriptions', [december], NOW, t, 'uk')).to.contain('ще 34 дні');
  });

  it('lists expiries soonest first with the days left', () => {
    const events = [
      stored({ number: '0000-AAAA-AAAA-AAA6', expiresAt: NOW + 30 * DAY }),
      stored({ type: 'service_request', number: '1234-5678-9012-0000', expiresAt: NOW + 2 * DAY, details: null }),
    ];
    const text = answerText('expiry', events, NOW, t, 'uk');
    expect(text.indexOf('1234-5678-9012-0000')).to.be.below(text.indexOf('AAA6'));
    expect(text).to.contain('ще 2 дні').and.contain('ще 30 днів');
  });

  it('says so when there is nothing', () => {
    expect(answerText('prescriptions', [], NOW, t, 'uk')).to.contain('не надходило');
    expect(answerText('last_code', [], NOW, t, 'uk')).to.contain('немає дійсного коду');
  });
});

describe('patients asking the bot', () => {
  let h: Harness;
  const user = 'asker';
  const phone = '+380675000001';
  before(async () => {
    h = await new Harness().start();
    await h.bindPhone(user, phone);
    await h.push(event({ phone_number: phone, number: '0000-243P-1X53-EH38', code: '4455', details: { medication: 'Інсулін' } }));
    await h.push(event({ type: 'service_request', phone_number: phone, number: '1234-5678-9012-3456', code: null, details: { service: 'Аналіз крові' } }));
    await h.push(event({ phone_number: '+380675000099', number: '0000-K8K5-5MTE-352H', code: '9999' }));
  });
  after(() => h.stop());

  async function ask(text: string): Promise<Record<string, any>> {
    const before = h.viber.to(user).length;
    await h.say(user, text);
    return waitFor(`answer to ${text}`, () => {
      const replies = h.viber.to(user).slice(before).filter((m) => m.body.type === 'text');
      return replies[0]?.body;
    });
  }

  it('answers «які в мене рецепти?» with the prescriptions sent to this phone only', async () => {
    const answer = await ask('які в мене рецепти?');
    expect(answer.text).to.contain('0000-243P-1X53-EH38').and.contain('4455').and.contain('Інсулін');
    expect(answer.text).to.not.contain('9999');
    expect(answer.keyboard.Buttons.length).to.be.at.least(4);
  });

  it('lists a document older than 90 days while it is still valid', async () => {
    const now = Date.now();
    await h.sql(
      `INSERT INTO events (id, type, phone, third_person, number, code, expires_at, fingerprint, status, channel, round, created_at, updated_at)
       VALUES ('old-but-valid', 'medication_request', ?, ?, '0000-0000-0000-0123', '3210', ?, 'f', 'sent', 'sms', 0, ?, ?)`,
      [phone, false, now + 60 * 24 * 3600_000, now - 200 * 24 * 3600_000, now - 200 * 24 * 3600_000],
    );
    expect((await ask('мої рецепти')).text).to.contain('0000-0000-0000-0123').and.contain('3210');
    expect((await ask('до якого числа діють рецепти')).text).to.contain('0000-0000-0000-0123');
  });

  it('answers referrals, the latest code and validity', async () => {
    expect((await ask('мої направлення')).text).to.contain('1234-5678-9012-3456').and.contain('Аналіз крові');
    expect((await ask('код для аптеки')).text).to.contain('4455');
    expect((await ask('до якого числа діє направлення')).text).to.match(/ще \d+ д/);
  });

  it('answers a keyboard button the same way as typed words', async () => {
    const typed = await ask('мої рецепти');
    const tapped = await ask('Мої рецепти');
    expect(tapped.text).to.equal(typed.text);
  });

  it('offers help and buttons for anything else, never data', async () => {
    const answer = await ask('яка погода завтра');
    expect(answer.text).to.not.contain('4455').and.not.contain('0000-243P');
    expect(answer.keyboard.Buttons.length).to.be.at.least(4);
  });

  it('asks to confirm before stopping, and answers a stop request with no data', async () => {
    const answer = await ask('більше не пишіть мені');
    expect(answer.text).to.contain('SMS').and.not.contain('4455');
    expect(answer.tracking_data).to.equal('confirm_stop');
  });

  it('invites a user who has not verified a phone to share it, never data', async () => {
    const before = h.viber.to('stranger').length;
    await h.say('stranger', 'мої рецепти');
    const answer = await waitFor('answer', () => h.viber.to('stranger')[before]?.body as any);
    expect(answer.keyboard.Buttons[0].ActionType).to.equal('share-phone');
    expect(JSON.stringify(answer)).to.not.contain('4455');
  });

  it('answers a flood with one polite "too fast" and no work', async () => {
    const flooder = 'flooder';
    for (let i = 0; i < 25; i += 1) await h.say(flooder, `привіт ${i}`);
    await waitFor('answers', () => h.viber.to(flooder).length >= 21);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = h.viber.to(flooder).map((m) => String(m.body.text));
    expect(texts).to.have.length(21);
    expect(texts.filter((text) => text.includes('надто швидко'))).to.have.length(1);
  });

  it('does not count Viber\'s retries of one message towards a flood', async () => {
    const user = 'retrier';
    const body = viberCallbacks.message(user, { type: 'text', text: 'привіт' }, h.nextToken());
    for (let i = 0; i < 25; i += 1) await h.viber.callback(h.webhook, body);
    await h.botMessage(user, 1);
    await h.say(user, 'допомога');
    expect((await h.botMessage(user, 2)).text).not.to.contain('надто швидко');
  });

  it('shows a phone\'s new owner only what was sent after they proved it, never the previous owner\'s codes', async () => {
    // Someone had proved this phone before (bound as the database keeps it: one claim a minute per phone).
    const taken = '+380675000077';
    const now = Date.now();
    await h.sql(
      'INSERT INTO viber_subscribers (viber_id, phone, verified_at, active, opted_out, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ['previous-owner', taken, now - 3600_000, true, false, now - 3600_000, now - 3600_000],
    );
    await h.push(event({ phone_number: taken, number: '0000-243P-1X53-EH77', code: '7171' }));
    await waitFor('the card to the previous owner', () => h.viber.to('previous-owner').find((m) => JSON.stringify(m.body).includes('7171')));
    // Another Viber user proves the same phone (a recycled number).
    const newcomer = 'newcomer';
    await h.bindPhone(newcomer, taken);
    const askAs = async (text: string) => {
      const before = h.viber.to(newcomer).length;
      await h.say(newcomer, text);
      return waitFor(`answer to ${text}`, () => h.viber.to(newcomer).slice(before).find((m) => m.body.type === 'text')?.body);
    };
    expect(JSON.stringify(await askAs('які в мене рецепти?'))).to.not.contain('7171').and.not.contain('0000-243P-1X53-EH77');
    expect(JSON.stringify(await askAs('код для аптеки'))).to.not.contain('7171');
    // What comes after is theirs.
    await h.push(event({ phone_number: taken, number: '0000-AAAA-EEEE-4747', code: '4747' }));
    await waitFor('the new card', () => h.viber.to(newcomer).find((m) => JSON.stringify(m.body).includes('4747')));
    const mine = await askAs('які в мене рецепти?');
    expect(mine.text).to.contain('0000-AAAA-EEEE-4747').and.not.contain('7171');
  });
});
