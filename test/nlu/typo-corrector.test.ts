import { expect } from 'chai';
import { editDistance, foldSpelling, TypoCorrector } from '../../src/nlu/typo-corrector';

describe('nlu/typo-corrector', () => {
  describe('#editDistance', () => {
    it('counts insertions, deletions, substitutions and swaps', () => {
      expect(editDistance('рецепт', 'рецепт')).to.equal(0);
      expect(editDistance('рецепт', 'рецепти')).to.equal(1);
      expect(editDistance('ріцепт', 'рецепт')).to.equal(1);
      expect(editDistance('рецпет', 'рецепт')).to.equal(1); // swapped neighbours
      expect(editDistance('', 'код')).to.equal(3);
    });

    it('stops at the limit and reports limit + 1', () => {
      expect(editDistance('рецепт', 'направлення', 2)).to.equal(3);
      expect(editDistance('код', 'кодик', 1)).to.equal(2);
    });
  });

  describe('#foldSpelling', () => {
    it('folds the letters Ukrainian, Russian and surzhyk spell differently', () => {
      expect(foldSpelling('направлєніє')).to.equal(foldSpelling('направление'));
      expect(foldSpelling('выдписатися')).to.equal(foldSpelling('відписатися'));
    });
  });

  describe('#correctWord', () => {
    const corrector = new TypoCorrector(
      ['рецепти', 'рецепти', 'направлення', 'направления', 'відписатися', 'код', 'пиши'],
      ['пройти', 'підписатися'],
    );

    it('repairs misspelt training words', () => {
      expect(corrector.correctWord('ріцепти')).to.equal('рецепти');
      expect(corrector.correctWord('напрвлення')).to.equal('направлення');
      expect(corrector.correctWord('направлєніє')).to.equal('направления');
      expect(corrector.correctWord('відпмсатися')).to.equal('відписатися');
    });

    it('leaves known words, short words and different first letters alone', () => {
      expect(corrector.correctWord('пройти')).to.equal('пройти');
      expect(corrector.correctWord('пити')).to.equal('пити');
      expect(corrector.correctWord('підписатися')).to.equal('підписатися');
      expect(corrector.correctWord('гідписатися')).to.equal('гідписатися');
    });

    it('leaves words with no close neighbour alone', () => {
      expect(corrector.correctWord('погода')).to.equal('погода');
    });
  });
});
