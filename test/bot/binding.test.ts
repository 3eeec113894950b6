import { expect } from 'chai';
import { CLAIM_RULES } from '../../src/bot/binding';
import { sleep, waitFor } from '../fakes/http';
import { viberCallbacks } from '../fakes/viber-api';
import { event, Harness } from '../helpers/harness';

/** The 6-digit code of the latest claim SMS to `phone`. */
function codeIn(h: Harness, phone: string, index = -1): string {
  const sms = h.turbo.to(phone).at(index);
  return /(\d{6})/.exec(sms?.text ?? '')?.[1] as string;
}

describe('subscribing by phone', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  it('proves a shared contact by a code sent by SMS, never on Viber, and binds on the right code', async () => {
    const user = 'bind-1';
    const phone = '+380681000001';
    await h.say(user, { type: 'contact', contact: { name: 'Я', phone_number: '380681000001' } });
    const asked = await h.botMessage(user, 1);
    expect(asked.text).to.contain('+380 68 100 00 01').and.contain('10 хвилин');
    const sms = await waitFor('claim sms', () => h.turbo.to(phone)[0]);
    expect(sms.text).to.match(/^Код для підключення Viber-бота eHealth: \d{6}\./);
    expect(sms.text.length).to.be.at.most(70);
    const code = codeIn(h, phone);
    expect(JSON.stringify(h.viber.to(user))).to.not.contain(code);

    await h.say(user, code.replace(/(\d{3})/, '$1 '));
    const bound = await h.botMessage(user, 2);
    expect(bound.text).to.contain('підключено');
    expect(bound.keyboard.Buttons.map((b: any) => b.Text)).to.include('Мої рецепти');

    const body = event({ phone_number: phone });
    await h.push(body);
    await waitFor('card on viber', () => h.viber.to(user).find((m) => m.body.type === 'rich_media'));
  });

  it('answers a client too old for the share-phone button without it, instead of not at all', async () => {
    const user = 'bind-old-client';
    h.viber.apiVersions.set(user, 2);
    const welcome = await h.viber.callback(h.webhook, viberCallbacks.conversationStarted(user, h.nextToken(), 'uk', 2));
    const welcomed = JSON.parse(welcome.body);
    expect(welcomed.keyboard).to.equal(undefined);
    expect(welcomed.min_api_version).to.equal(undefined);
    expect(welcomed.text).to.contain('номер');
    await h.say(user, 'привіт', { api_version: 2 });
    const invited = await h.botMessage(user, 1);
    expect(invited.keyboard).to.equal(undefined);
    expect(invited.text).to.be.a('string').and.not.be.empty;
    // The same user can still subscribe by typing the number.
    await h.say(user, '068 100 00 97', { api_version: 2 });
    await waitFor('claim sms', () => h.turbo.to('+380681000097')[0]);
  });

  it('tells a chat that gets nothing and asks to stop that there is nothing to stop, and codes come by SMS', async () => {
    const user = 'stop-unbound';
    await h.say(user, 'відпишіть мене');
    const answer = await h.botMessage(user, 1);
    expect(answer.text).to.contain('вимикати нічого').and.contain('SMS');
  });

  it('says a foreign or broken number is not a Ukrainian mobile one, reads "+380 (0)67…", and takes the whole SMS pasted back', async () => {
    const user = 'bind-forms-2';
    await h.say(user, '+7 916 123 45 67');
    expect((await h.botMessage(user, 1)).text).to.contain('не схоже на український мобільний номер');
    await h.say(user, '+380 (0)68 100 00 96');
    const sms = await waitFor('claim sms', () => h.turbo.to('+380681000096')[0]);
    await h.botMessage(user, 2);
    await h.say(user, sms.text);
    expect((await h.botMessage(user, 3)).text).to.contain('підключено');
  });

  it('lets the patient try again at once when the code SMS could not be sent, as no code reached anyone', async () => {
    const user = 'bind-unsent';
    h.turbo.behaviour = (to) => (to.endsWith('681000095') ? { code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' } : 'ok');
    try {
      await h.say(user, '068 100 00 95');
      await h.botMessage(user, 1);
      const failed = await h.botMessage(user, 2);
      expect(failed.text).to.contain('Не вдалося надіслати SMS');
    } finally {
      h.turbo.behaviour = () => 'ok';
    }
    // Within the minute: not "too soon", the SMS goes.
    await h.say(user, '068 100 00 95');
    await waitFor('claim sms', () => h.turbo.to('+380681000095')[0]);
  });

  it('accepts a typed number in the usual Ukrainian forms', async () => {
    await h.say('bind-2', 'мій номер 068 100-00-02');
    await waitFor('claim sms', () => h.turbo.to('+380681000002')[0]);
    await h.say('bind-3', '+38 (068) 100 00 03');
    await waitFor('claim sms', () => h.turbo.to('+380681000003')[0]);
  });

  it('says how many tries remain after a wrong code, and kills the code after 3', async () => {
    const user = 'bind-4';
    const phone = '+380681000004';
    await h.say(user, '0681000004');
    await waitFor('claim sms', () => h.turbo.to(phone)[0]);
    await h.botMessage(user, 1);
    const right = codeIn(h, phone);
    const wrong = right === '000000' ? '111111' : '000000';
    await h.say(user, wrong);
    expect((await h.botMessage(user, 2)).text).to.contain('Залишилось 2 спроби');
    await h.say(user, wrong);
    expect((await h.botMessage(user, 3)).text).to.contain('Залишилась 1 спроба');
    await h.say(user, wrong);
    expect((await h.botMessage(user, 4)).text).to.contain('3 невдалі спроби');
    await h.say(user, right);
    expect((await h.botMessage(user, 5)).text).to.not.contain('підключено');
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'sms');
  });

  it('refuses a second code within a minute, saying when to try again', async () => {
    const user = 'bind-5';
    await h.say(user, '0681000005');
    await h.botMessage(user, 1);
    await h.say(user, '0681000005');
    expect((await h.botMessage(user, 2)).text).to.match(/не раніше ніж о \d\d:\d\d/);
    await sleep(100);
    expect(h.turbo.to('+380681000005')).to.have.length(1);
  });

  it('never gives the claimant of someone else\'s contact card that number\'s codes', async () => {
    const owner = 'owner-6';
    const intruder = 'intruder-6';
    const phone = '+380681000006';
    await h.bindPhone(owner, phone);
    await h.say(intruder, { type: 'contact', contact: { name: 'Сусід', phone_number: '+380681000006' } });
    await h.botMessage(intruder, 1);
    // The intruder guesses; the code went to the owner's phone by SMS.
    await h.say(intruder, '123456');
    await h.botMessage(intruder, 2);
    const body = event({ phone_number: phone, code: '4242' });
    await h.push(body);
    await waitFor('card to owner', () => h.viber.to(owner).find((m) => JSON.stringify(m.body).includes('4242')));
    expect(JSON.stringify(h.viber.to(intruder))).to.not.contain('4242');
    await h.say(intruder, 'мої рецепти');
    const answer = await h.botMessage(intruder, 3);
    expect(answer.text).to.not.contain('4242').and.not.contain('0000-K8K5');
  });

  it('gives a phone to its new verified owner and tells the old one', async () => {
    const first = 'first-7';
    const second = 'second-7';
    const phone = '+380681000007';
    await h.bindPhone(first, phone);
    // The one-a-minute rule counts per phone: let the clock move past it.
    await h.ageClaims(phone, 2 * CLAIM_RULES.minIntervalMs);
    await h.bindPhone(second, phone);
    const notice = await waitFor('notice to the old owner', () => h.viber.to(first).find((m) => String(m.body.text).includes('іншому Viber')));
    expect(notice.body.text).to.contain('+380 68 100 00 07');
    const body = event({ phone_number: phone, code: '7070' });
    await h.push(body);
    await waitFor('card to the new owner', () => h.viber.to(second).find((m) => JSON.stringify(m.body).includes('7070')));
    expect(JSON.stringify(h.viber.to(first))).to.not.contain('7070');
  });

  it('lets a user change their number by verifying the new one', async () => {
    const user = 'mover-8';
    await h.bindPhone(user, '+380681000008');
    await h.ageClaims(user, 2 * CLAIM_RULES.minIntervalMs);
    await h.bindPhone(user, '+380681000018');
    expect((await h.botMessage(user, 4)).text).to.contain('замість');
    const body = event({ phone_number: '+380681000008' });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'sms');
  });

  it('stops Viber delivery on unsubscribed, and resumes without a code on a new message', async () => {
    const user = 'unsub-9';
    const phone = '+380681000009';
    await h.bindPhone(user, phone);
    await h.viber.callback(h.webhook, viberCallbacks.unsubscribed(user, h.nextToken()));
    const viaSms = event({ phone_number: phone });
    await h.push(viaSms);
    await h.waitForChannel(viaSms.id as string, 'sms');
    await h.viber.callback(h.webhook, viberCallbacks.subscribed(user, h.nextToken()));
    const viaViber = event({ phone_number: phone });
    await h.push(viaViber);
    await h.waitForChannel(viaViber.id as string, 'viber');
  });

  it('sends the SMS at once for a card still waiting for its receipt when the user unsubscribes', async () => {
    const user = 'unsub-19';
    const phone = '+380681000019';
    await h.bindPhone(user, phone);
    const body = event({ phone_number: phone, code: '1919' });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'viber');
    const startedAt = Date.now();
    await h.viber.callback(h.webhook, viberCallbacks.unsubscribed(user, h.nextToken()));
    // VIBER_DELIVERY_TIMEOUT_S is 30 s here: no receipt will come, so the SMS does not wait for it.
    const view = await h.waitForChannel(body.id as string, 'sms');
    expect(Date.now() - startedAt).to.be.below(5000);
    expect(h.turbo.to(phone).filter((sms) => sms.text.includes('1919'))).to.have.length(1);
    expect(view.attempts[0]).to.include({ channel: 'viber', status: 'sent', detail: 'the Viber user unsubscribed before a delivered receipt' });
  });

  it('does not tell a chat without a phone that messages keep coming in Viber', async () => {
    const user = 'unbound-no';
    await h.say(user, 'Ні, залишити');
    const reply = await h.botMessage(user, 1);
    expect(reply.text).to.not.contain('надходитимуть у Viber');
  });

  it('stops Viber delivery when the user asks and confirms, saying SMS will still come', async () => {
    const user = 'stop-10';
    const phone = '+380681000010';
    await h.bindPhone(user, phone);
    await h.say(user, 'відписатися');
    const question = await h.botMessage(user, 3);
    expect(question.text).to.contain('SMS');
    expect(question.tracking_data).to.equal('confirm_stop');
    expect(question.keyboard.Buttons.map((b: any) => b.ActionBody)).to.include('Так, відписатися');
    await h.say(user, { type: 'text', text: 'так', tracking_data: 'confirm_stop' });
    const done = await h.botMessage(user, 4);
    expect(done.text).to.contain('SMS');
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'sms');
    // A later question does not quietly switch Viber back on, and its menu offers to, not to stop again.
    await h.say(user, 'мої рецепти');
    const answer = await h.botMessage(user, 5);
    const buttons = answer.keyboard.Buttons.map((b: any) => b.ActionBody);
    expect(buttons).to.include('Отримувати у Viber').and.not.include('Відписатися');
    expect(answer.text).to.contain('надходять у SMS');
    const still = event({ phone_number: phone });
    await h.push(still);
    await h.waitForChannel(still.id as string, 'sms');
    await h.say(user, 'Отримувати у Viber');
    expect((await h.botMessage(user, 6)).text).to.contain('знову');
    const back = event({ phone_number: phone });
    await h.push(back);
    await h.waitForChannel(back.id as string, 'viber');
  });

  it('welcomes back a user who turned Viber off without saying codes arrive here, offering to turn it on', async () => {
    const user = 'stop-21';
    await h.bindPhone(user, '+380681000021');
    await h.say(user, 'Так, відписатися');
    await h.botMessage(user, 3);
    const reply = await h.viber.callback(h.webhook, viberCallbacks.conversationStarted(user, h.nextToken(), 'uk'));
    const welcome = JSON.parse(reply.body);
    expect(welcome.text).to.contain('SMS').and.not.contain('надходять сюди');
    expect(welcome.keyboard.Buttons.map((b: any) => b.ActionBody)).to.deep.equal(['Отримувати у Viber']);
  });

  it('welcomes back a user who unsubscribed in Viber saying codes went by SMS until they write', async () => {
    const user = 'unsub-22';
    const phone = '+380681000022';
    await h.bindPhone(user, phone);
    await h.viber.callback(h.webhook, viberCallbacks.unsubscribed(user, h.nextToken()));
    const reply = await h.viber.callback(h.webhook, viberCallbacks.conversationStarted(user, h.nextToken(), 'uk'));
    const welcome = JSON.parse(reply.body);
    expect(welcome.text).to.contain('SMS').and.not.contain('надходять сюди');
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'sms');
  });

  it('takes conversation_started with subscribed: true as Viber saying the user is reachable again', async () => {
    const user = 'unsub-23';
    const phone = '+380681000023';
    await h.bindPhone(user, phone);
    await h.viber.callback(h.webhook, viberCallbacks.unsubscribed(user, h.nextToken()));
    const reply = await h.viber.callback(h.webhook, viberCallbacks.conversationStarted(user, h.nextToken(), 'uk', 10, true));
    expect(JSON.parse(reply.body).text).not.to.contain('SMS');
    const body = event({ phone_number: phone });
    await h.push(body);
    await h.waitForChannel(body.id as string, 'viber');
  });

  it('reads a code typed with words or punctuation around it, and a code of the wrong length costs no try', async () => {
    const user = 'bind-13';
    const phone = '+380681000013';
    await h.say(user, '0681000013');
    await waitFor('claim sms', () => h.turbo.to(phone)[0]);
    await h.botMessage(user, 1);
    const right = codeIn(h, phone);
    await h.say(user, right.slice(0, 5));
    expect((await h.botMessage(user, 2)).text).to.contain('6 цифр');
    await h.say(user, `${right}7`);
    expect((await h.botMessage(user, 3)).text).to.contain('6 цифр');
    await h.say(user, `Код: ${right.slice(0, 3)} ${right.slice(3)}.`);
    expect((await h.botMessage(user, 4)).text).to.contain('підключено');
  });

  it('takes a number typed in the old 8 0XX form or with typographic dashes', async () => {
    await h.say('bind-14', '8 068 100 00 14');
    await waitFor('claim sms', () => h.turbo.to('+380681000014')[0]);
    await h.say('bind-15', '068–100–00–15');
    await waitFor('claim sms', () => h.turbo.to('+380681000015')[0]);
  });

  it('takes "+380 067…", "00380…", a contact in the 80… form, a Cyrillic O and an invisible space in a number', async () => {
    await h.say('bind-30', '+380 068 100 00 30');
    await waitFor('claim sms', () => h.turbo.to('+380681000030')[0]);
    await h.say('bind-31', '00380681000031');
    await waitFor('claim sms', () => h.turbo.to('+380681000031')[0]);
    await h.say('bind-32', { type: 'contact', contact: { name: 'Я', phone_number: '80681000032' } });
    await waitFor('claim sms', () => h.turbo.to('+380681000032')[0]);
    await h.say('bind-33', 'мій номер +38О68100\u200b0033');
    await waitFor('claim sms', () => h.turbo.to('+380681000033')[0]);
  });

  it('never reads the digits of a prescription or referral number in a question as a phone', async () => {
    const before = h.turbo.delivered.length;
    await h.say('bind-34', 'рецепт 0000-1234-56KX-352H не працює');
    expect((await h.botMessage('bind-34', 1)).text).not.to.contain('Надсилаємо SMS');
    await h.say('bind-34', 'до якого числа діє направлення 0931-2345-67AB-CE12?');
    expect((await h.botMessage('bind-34', 2)).text).not.to.contain('Надсилаємо SMS');
    await h.say('bind-34', '+380 00 012 34 56');
    expect((await h.botMessage('bind-34', 3)).text).to.contain('не схоже на український мобільний');
    await sleep(100);
    expect(h.turbo.delivered.length).to.equal(before);
  });

  it('takes a code inside a longer sentence, and the first SMS\'s code after a second one without costing a try', async () => {
    const user = 'bind-35';
    const phone = '+380681000035';
    await h.say(user, '0681000035');
    await waitFor('claim sms', () => h.turbo.to(phone)[0]);
    const first = codeIn(h, phone);
    await h.botMessage(user, 1);
    // The second code, a minute later (the earlier claim is moved back in time).
    await h.sql('UPDATE phone_claims SET created_at = created_at - ? WHERE viber_id = ?', [61_000, user]);
    await h.say(user, '0681000035');
    await waitFor('second claim sms', () => h.turbo.to(phone)[1]);
    await h.botMessage(user, 2);
    const second = codeIn(h, phone);
    if (first !== second) {
      await h.say(user, first);
      expect((await h.botMessage(user, 3)).text).to.contain('попереднього SMS').and.not.contain('Залишилось');
    } else {
      await h.say(user, 'ще раз');
      await h.botMessage(user, 3);
    }
    await h.say(user, `Мені прийшов код ${second} дякую`);
    expect((await h.botMessage(user, 4)).text).to.contain('підключено');
  });

  it('tells a second chat asking for a code to a number within the minute no more than that', async () => {
    await h.say('bind-36', '0681000036');
    await h.botMessage('bind-36', 1);
    await h.say('bind-37', '0681000036');
    const reply = (await h.botMessage('bind-37', 1)).text;
    expect(reply).to.contain('щойно надіслано код').and.not.contain('напишіть код сюди');
  });

  it('keeps the menu of a connected user who types six digits with no code pending', async () => {
    const user = 'bind-38';
    await h.bindPhone(user, '+380681000038');
    const before = h.viber.to(user).length;
    await h.say(user, '123456');
    const reply = await waitFor('the answer', () => h.viber.to(user)[before]);
    expect(reply.body.text).to.contain('уже підключено');
    expect((reply.body.keyboard as { Buttons: Array<{ Text: string }> }).Buttons.map((b) => b.Text)).to.include('Мої рецепти');
  });

  it('explains that SMS cannot be turned off instead of offering to turn Viber off', async () => {
    const user = 'bind-39';
    await h.bindPhone(user, '+380681000039');
    for (const text of ['не надсилайте мені смс, тільки вайбер', 'як вимкнути смс']) {
      const before = h.viber.to(user).length;
      await h.say(user, text);
      const reply = await waitFor('the answer', () => h.viber.to(user)[before]);
      expect(reply.body.text, text).to.contain('SMS вимкнути не можна').and.not.contain('Вимкнути повідомлення eHealth у Viber?');
    }
    for (const text of ['хочу тільки смс', 'надсилайте коди в смс а не сюди', 'коди тільки по смс будь ласка', 'хочу смс замість вайбера']) {
      const before = h.viber.to(user).length;
      await h.say(user, text);
      expect((await waitFor('the answer', () => h.viber.to(user)[before])).body.text, text).to.contain('Вимкнути повідомлення eHealth у Viber?');
    }
    for (const text of ['не хочу смс', 'смс не потрібні', 'досить смс']) {
      const before = h.viber.to(user).length;
      await h.say(user, text);
      expect((await waitFor('the answer', () => h.viber.to(user)[before])).body.text, text).to.contain('SMS вимкнути не можна');
    }
  });

  it('answers "the code did not come" while a claim waits with where the SMS went and when to ask again', async () => {
    const user = 'bind-42';
    await h.say(user, '0681000042');
    await h.botMessage(user, 1);
    await h.say(user, 'не прийшов код');
    expect((await h.botMessage(user, 2)).text).to.contain('надіслано на номер +380 68 100 00 42').and.match(/о \d\d:\d\d/);
  });

  it('takes a code among other numbers, a number starting with a Cyrillic O, and says why a chat must wait', async () => {
    const user = 'bind-40';
    await h.say(user, 'О681000040');
    await waitFor('claim sms', () => h.turbo.to('+380681000040')[0]);
    await h.botMessage(user, 1);
    await h.say(user, `прийшов о 15:30 ${codeIn(h, '+380681000040')}`);
    expect((await h.botMessage(user, 2)).text).to.contain('підключено');
    // Another number within the minute: no code went to it, so the chat is told to wait, not to type one.
    await h.say(user, '0681000041');
    expect((await h.botMessage(user, 3)).text).to.contain('Новий код можна запросити').and.not.contain('щойно надіслано');
  });

  it('refuses a landline, which no SMS reaches, saying a mobile number is needed', async () => {
    await h.say('bind-17', '044 123 45 67');
    expect((await h.botMessage('bind-17', 1)).text).to.contain('мобільний номер');
    await h.say('bind-17', { type: 'contact', contact: { name: 'Я', phone_number: '380322000017' } });
    expect((await h.botMessage('bind-17', 2)).text).to.contain('мобільний номер');
    await sleep(200);
    expect(h.turbo.to('+380441234567').length + h.turbo.to('+380322000017').length).to.equal(0);
  });

  it('answers the English menu buttons with data, like the Ukrainian ones', async () => {
    const user = 'en-16';
    const phone = '+380681000016';
    await h.bindPhone(user, phone, { language: 'en' });
    const body = event({ phone_number: phone });
    await h.push(body);
    await waitFor('card on viber', () => h.viber.to(user).find((m) => m.body.type === 'rich_media'));
    const before = h.viber.to(user).length;
    await h.say(user, 'My prescriptions', { language: 'en' });
    const answer = await h.botMessage(user, before + 1);
    expect(answer.text).to.contain(body.number as string);
    await h.say(user, 'Latest code', { language: 'en' });
    expect((await h.botMessage(user, before + 2)).text).to.contain(body.code as string);
    await h.say(user, 'Unsubscribe', { language: 'en' });
    expect((await h.botMessage(user, before + 3)).tracking_data).to.equal('confirm_stop');
  });

  it('answers an English-language user in English', async () => {
    await h.say('en-11', 'hello', { language: 'en' });
    expect((await h.botMessage('en-11', 1)).text).to.contain('phone');
  });

  it('marks a user Viber no longer reaches (status 6) as off Viber', async () => {
    const user = 'gone-12';
    const phone = '+380681000012';
    await h.bindPhone(user, phone);
    h.viber.behaviour = (receiver) => (receiver === user ? { status: 6, message: 'receiverNotSubscribed' } : 'ok');
    try {
      const first = event({ phone_number: phone });
      await h.push(first);
      await h.waitForChannel(first.id as string, 'sms');
      const calls = h.viber.sent.length;
      const second = event({ phone_number: phone });
      await h.push(second);
      const view = await h.waitForChannel(second.id as string, 'sms');
      expect(view.attempts.map((a: any) => a.channel)).to.deep.equal(['sms']);
      expect(h.viber.sent.length).to.equal(calls);
    } finally {
      h.viber.behaviour = () => 'ok';
    }
  });
});

describe('the daily limit of codes per phone', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().start();
  });
  after(() => h.stop());

  it('refuses a sixth code in a day, saying when to try again', async () => {
    const phone = '+380681000020';
    for (let i = 0; i < CLAIM_RULES.perPhonePerDay; i += 1) {
      await h.say(`limit-${i}`, '0681000020');
      await waitFor(`claim ${i}`, () => h.turbo.to(phone)[i]);
      await h.ageClaims(phone, CLAIM_RULES.minIntervalMs + 1000);
    }
    await h.say('limit-x', '0681000020');
    expect((await h.botMessage('limit-x', 1)).text).to.match(/5 на добу/);
    await sleep(200);
    expect(h.turbo.to(phone)).to.have.length(CLAIM_RULES.perPhonePerDay);
  });

  it('expires a code after 10 minutes', async () => {
    const user = 'expiry-1';
    const phone = '+380681000021';
    await h.say(user, '0681000021');
    await waitFor('claim sms', () => h.turbo.to(phone)[0]);
    await h.botMessage(user, 1);
    await h.expireClaims(phone);
    await h.say(user, codeIn(h, phone));
    expect((await h.botMessage(user, 2)).text).to.contain('10 хвилин');
  });
});
