import { expect } from 'chai';
import { normalizeText } from '../../src/nlu/normalize';
import { matchUnsubscribeKeyword, matchUnsubscribeRule } from '../../src/nlu/unsubscribe-rules';

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

  describe('#matchUnsubscribeKeyword', () => {
    it('only uses long keywords, which typo correction cannot invent from a different word', () => {
      expect(matchUnsubscribeKeyword('відписатися')?.name).to.equal('unsubscribe-stem');
      expect(matchUnsubscribeKeyword('стоп')).to.equal(undefined);
      expect(matchUnsubscribeKeyword('не пишіть')).to.equal(undefined);
    });
  });
});
