import { expect } from 'chai';
import { EVENT_TYPES } from '../../src/ehealth/event';
import { translator } from '../../src/i18n';
import { shorterNames, smsText, UCS2_SEGMENT } from '../../src/messages/sms-text';

const t = translator('uk');
const NUMBERS = { prescription: '0000-K8K5-5MTE-352H', referral: 'AX65-4654-TIB1-TBT1' };

describe('smsText', () => {
  it('mirrors eHealth\'s own wording', () => {
    expect(smsText({ type: 'verification', thirdPerson: false, patientName: null, number: null, code: '1234' }, t)).to.equal(
      'Код авторизації дій в системі eHealth: 1234',
    );
    expect(smsText({ type: 'medication_request', thirdPerson: false, patientName: null, number: NUMBERS.prescription, code: '1234' }, t)).to.equal(
      'Ваш рецепт: 0000-K8K5-5MTE-352H. Код підтвердження: 1234',
    );
    expect(smsText({ type: 'service_request_cancelled', thirdPerson: false, patientName: null, number: NUMBERS.referral, code: null }, t)).to.equal(
      'Ваше направлення під номером AX65-4654-TIB1-TBT1 було відмінено',
    );
  });

  it('fits one UCS-2 segment for every type, with and without a code, to the patient and to a third person', () => {
    const names = ['О.', 'Іваненко О.', 'Петренко Марія Олександрівна', 'Скоропадська-Вишневецька Олександра-Марія Костянтинівна'];
    for (const type of EVENT_TYPES) {
      const number = type.startsWith('medication') ? NUMBERS.prescription : type === 'verification' ? null : NUMBERS.referral;
      for (const code of ['1234', null]) {
        for (const patientName of names) {
          for (const thirdPerson of [false, true]) {
            if (type === 'verification' && !code) continue;
            const text = smsText({ type, thirdPerson, patientName, number, code }, t);
            expect(text.length, text).to.be.at.most(UCS2_SEGMENT);
            if (thirdPerson) expect(text, text).to.contain(patientName.split(' ')[0].slice(0, 4));
            if (code && type !== 'medication_request_rejected' && type !== 'service_request_cancelled') expect(text).to.contain(code);
            if (number) expect(text).to.contain(number);
          }
        }
      }
    }
  });

  it('never cuts a character in two when a name must be shortened', () => {
    const t = translator('uk');
    for (const name of [`${'Ж'.repeat(25)}😀${'Ж'.repeat(5)}`, `${'Ж'.repeat(40)} 😀Марія`, `Коваль 😀${'Ж'.repeat(60)}`]) {
      const text = smsText({ type: 'medication_request', thirdPerson: true, patientName: name, number: '0000-K8K5-5MTE-352H', code: '1234' }, t);
      expect(text.length, text).to.be.at.most(70);
      expect(text, text).not.to.match(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('shortens a long name to the surname and initials', () => {
    expect(shorterNames('Петренко Марія Олександрівна')).to.deep.equal(['Петренко Марія Олександрівна', 'Петренко М. О.', 'Петренко М.', 'Петренко']);
    expect(shorterNames('Коваль-Вишневецька Марія')).to.deep.equal(['Коваль-Вишневецька Марія', 'Коваль-Вишневецька М.', 'Коваль-Вишневецька', 'Коваль М.', 'Коваль']);
  });

  it('keeps lower-case particles with the surname and drops words without a letter', () => {
    const t = translator('uk');
    const sms = (patientName: string) => smsText({ type: 'medication_request', thirdPerson: true, patientName, number: '0000-K8K5-5MTE-352H', code: '1234' }, t);
    expect(sms('де ла Крус-Гарсія Марія Хосе')).to.equal('Рецепт для де ла Крус-Гарсія М. Х.: 0000-K8K5-5MTE-352H. Код: 1234');
    expect(sms('😀 Іваненко Олена')).to.equal('Рецепт для Іваненко Олена: 0000-K8K5-5MTE-352H. Код: 1234');
  });

  it('never names the patient by a word cut short: a double surname by its first part, else the initial', () => {
    const t = translator('uk');
    const sms = (patientName: string) => smsText({ type: 'medication_request', thirdPerson: true, patientName, number: '0000-K8K5-5MTE-352H', code: '1234' }, t);
    expect(sms('Костянтинопольська-Вишневецька Олена')).to.equal('Рецепт для Костянтинопольська О.: 0000-K8K5-5MTE-352H. Код: 1234');
    expect(sms('Костянтинопольськавишневецькаяструбинська Олена')).to.equal('Рецепт для К.: 0000-K8K5-5MTE-352H. Код: 1234');
  });
});
