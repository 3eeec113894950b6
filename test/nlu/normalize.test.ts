import { expect } from 'chai';
import { normalizeText, tokenize } from '../../src/nlu/normalize';

describe('nlu/normalize', () => {
  describe('#normalizeText', () => {
    it('lower-cases with Ukrainian letters intact', () => {
      expect(normalizeText('МОЇ РЕЦЕПТИ')).to.equal('мої рецепти');
      expect(normalizeText('ЇЖАК Й ҐАНОК Є')).to.equal('їжак й ґанок є');
    });

    it('shortens drawn-out letters: vowels to one, consonants to the double Ukrainian allows', () => {
      expect(normalizeText('Стооооп!!!')).to.equal('стоп');
      expect(normalizeText('stoooop')).to.equal('stop');
      expect(normalizeText('дякууууу')).to.equal('дяку');
      expect(normalizeText('направленнння')).to.equal('направлення');
      expect(normalizeText('направлення')).to.equal('направлення');
    });

    it('unifies every apostrophe to the ASCII one', () => {
      for (const word of ["з'явився", 'з’явився', 'зʼявився', 'з`явився', 'з‘явився', 'з′явився', "З''ЯВИВСЯ"]) {
        expect(normalizeText(word), word).to.equal("з'явився");
      }
    });

    it('drops apostrophes and quotes around words', () => {
      expect(normalizeText("'код'")).to.equal('код');
      expect(normalizeText('«код» “рецепта”')).to.equal('код рецепта');
    });

    it('turns Latin look-alikes inside Cyrillic words into Cyrillic', () => {
      expect(normalizeText('рeцeпти')).to.equal('рецепти'); // Latin e
      expect(normalizeText('нaпрaвлення')).to.equal('направлення'); // Latin a
      expect(normalizeText('кoд')).to.equal('код'); // Latin o
      expect(normalizeText('CTOП')).to.equal('стоп'); // Latin C, T, O
      expect(normalizeText('ПPИBIT')).to.equal('привіт'); // Latin P, B, I
      expect(normalizeText('рецептï')).to.equal('рецептї'); // Latin ï
    });

    it('leaves Latin words alone', () => {
      expect(normalizeText('STOP')).to.equal('stop');
      expect(normalizeText('Help me')).to.equal('help me');
      expect(normalizeText('sms код')).to.equal('sms код');
    });

    it('replaces punctuation, symbols and emoji with spaces and collapses whitespace', () => {
      expect(normalizeText('  Мої   рецепти!!! 👍😀 ')).to.equal('мої рецепти');
      expect(normalizeText('де код?..')).to.equal('де код');
      expect(normalizeText('/start')).to.equal('start');
      expect(normalizeText('рецепт№5')).to.equal('рецепт 5');
      expect(normalizeText('👍')).to.equal('');
      expect(normalizeText('???')).to.equal('');
    });

    it('reads a wave as a greeting and a pill as medicines, as people use them alone', () => {
      expect(normalizeText('👋')).to.equal('привіт');
      expect(normalizeText('🙋‍♀️ добрий день')).to.equal('привіт добрий день');
      expect(normalizeText('💊💊?')).to.equal('ліки ліки');
    });

    it('splits hyphenated words, so "е-рецепт" matches "е рецепт"', () => {
      expect(normalizeText('е-рецепт')).to.equal('е рецепт');
      expect(normalizeText('Е-НАПРАВЛЕННЯ')).to.equal('е направлення');
    });

    it('removes stress marks instead of splitting the word', () => {
      expect(normalizeText('реце́пт')).to.equal('рецепт');
    });

    it('keeps й and ї even when they arrive decomposed', () => {
      expect(normalizeText('мої й'.normalize('NFD'))).to.equal('мої й');
    });

    it('treats Russian ё as е', () => {
      expect(normalizeText('ещё')).to.equal('еще');
    });

    it('keeps digits', () => {
      expect(normalizeText('код 1234')).to.equal('код 1234');
    });

    it('is idempotent', () => {
      for (const text of ['Рeцeпти!!!', 'З’ЯВИВСЯ рецепт?', 'CTOП 👍', 'е-направлення до ЛОРа']) {
        const once = normalizeText(text);
        expect(normalizeText(once), text).to.equal(once);
      }
    });
  });

  describe('#tokenize', () => {
    it('splits normalised text into words', () => {
      expect(tokenize('мої рецепти')).to.deep.equal(['мої', 'рецепти']);
    });

    it('returns no words for empty text', () => {
      expect(tokenize('')).to.deep.equal([]);
    });
  });
});
