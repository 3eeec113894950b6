import { expect } from 'chai';
import { normalizeText } from '../../src/nlu/normalize';
import { matchUnsubscribeKeyword, matchUnsubscribeRule } from '../../src/nlu/unsubscribe-rules';
import { MUST_NOT_BE_STOP, QA_DATA_STOPS } from './stop-phrases';

const ruleFor = (text: string): string | undefined => matchUnsubscribeRule(normalizeText(text))?.name;

describe('nlu/unsubscribe-rules', () => {
  describe('#matchUnsubscribeRule', () => {
    it('catches stop requests in Ukrainian, Russian and surzhyk', () => {
      for (const text of [
        'відписатися',
        'Відпишіть мене',
        'отпишите',
        'атпишите меня',
        'стоп',
        'STOP',
        'більше не пишіть мені',
        'не надсилайте повідомлення',
        'не турбуйте',
        'не треба мені писати',
        'хватит присылать сообщения',
        'досить спамити',
        'не хочу отримувати сповіщення',
        'вимкніть розсилку',
        'скасувати підписку',
        'отключите уведомления',
        'видаліть мене з розсилки',
        'удалите мой номер',
        'без повідомлень будь ласка',
        'набридли ваші повідомлення',
      ]) {
        expect(ruleFor(text), text).to.be.a('string');
      }
    });

    it('ignores reports, past tense and subscribing', () => {
      for (const text of [
        'не прийшов код',
        'код не надіслали',
        'я видалив смс з кодом',
        'ви відключили сповіщення',
        'хочу підписатися',
        'стопа болить',
        'мої рецепти',
        'виписали рецепт',
      ]) {
        expect(ruleFor(text), text).to.equal(undefined);
      }
    });
  });

  describe('stop requests that name the data ("I don\'t need your codes")', () => {
    /** Verbatim failures from the QA probe of the running bot: each was answered with data. */
    const QA_FAILURES = QA_DATA_STOPS;

    /** Further phrasings of the same kind, as patients type them. */
    const MORE_STOP_REQUESTS = [
      'не треба мені ваших кодів',
      'коди більше не треба',
      'мені більше не потрібні рецепти',
      'нетреба направлень',
      'рецепти мені вже непотрібні',
      'мне больше не нужны рецепты',
      'не надо больше кодов',
      'коды мне не нужны больше',
      'направления не нужны',
      'не нужен мне ваш код',
      'набридли ваші рецепти',
      'задолбали эти направления',
      'коди ваші вже набридли',
      'без кодов пожалуйста',
      'без ваших рецептів',
      'не хочу ваших направлень',
      'мене не цікавлять ваші коди',
      'ненада мне кодов',
      'не потрібно мені скерувань',
      'надоели ваши коды',
      'ваши рецепты мне не нужны спасибо',
      'не хочу бачити ваші рецепти',
      'не хочу щоб мені приходили коди',
      'повідомлення з кодами мені не потрібні',
      'без направленій будь ласка',
      'Не треба більше ніяких кодів!!!',
      'ріцепти не трєба',
      'напрвлення більше не потрібні',
      'хватит с меня ваших рецептов',
      'годі вже цих кодів',
      'нафіг мені ваші направлення',
    ];

    it('catches every QA failure', () => {
      for (const text of QA_FAILURES) expect(ruleFor(text), text).to.be.a('string');
    });

    it('catches other "not needed / без / fed up" phrasings', () => {
      for (const text of MORE_STOP_REQUESTS) expect(ruleFor(text), text).to.be.a('string');
    });

    it('leaves questions about missing or broken data alone', () => {
      for (const text of MUST_NOT_BE_STOP) expect(ruleFor(text), text).to.equal(undefined);
    });
  });

  describe('English', () => {
    it('catches stop requests', () => {
      for (const text of [
        'stop sending me messages',
        "don't send me codes",
        'dont text me',
        'stop messages',
        'no more prescriptions please',
        'no more msgs',
        "i don't need your codes",
        'i dont want these notifications',
        'turn off notifications',
        'switch it off',
        'disable alerts',
        'opt out',
        'remove me from the list',
        'take me off your list',
        'leave me alone',
        'sick of these messages',
        'unsubscribe',
      ]) {
        expect(ruleFor(text), text).to.be.a('string');
      }
    });

    it('ignores questions about the data', () => {
      for (const text of [
        "why don't you send me the code",
        "i didn't get the code",
        'i dont get text messages',
        'i never got the text',
        "i don't want my prescription to expire",
        'when is the end of my prescription',
        'my prescriptions',
        'what is my code',
        'take me to the menu',
      ]) {
        expect(ruleFor(text), text).to.equal(undefined);
      }
    });
  });

  describe('#matchUnsubscribeKeyword', () => {
    it('only uses long keywords, which typo correction cannot invent from a different word', () => {
      expect(matchUnsubscribeKeyword('відписатися')?.name).to.equal('unsubscribe-stem');
      expect(matchUnsubscribeKeyword('стоп')).to.equal(undefined);
      expect(matchUnsubscribeKeyword('не пишіть')).to.equal(undefined);
    });
  });
});
