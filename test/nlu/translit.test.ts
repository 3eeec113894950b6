import { expect } from 'chai';
import { latinToCyrillic, transliterateTokens } from '../../src/nlu/translit';

describe('nlu/translit', () => {
  it('reads the official and the informal transliteration', () => {
    expect(latinToCyrillic('retsepty')).to.equal('рецепти');
    expect(latinToCyrillic('napravlennya')).to.equal('направлення');
    expect(latinToCyrillic('napravlennia')).to.equal('направлення');
    expect(latinToCyrillic('yakyi')).to.equal('який');
    expect(latinToCyrillic('yizhak')).to.equal('їжак');
    // и or і is a guess; the typo corrector, which folds them, settles it.
    expect(latinToCyrillic('kyiv')).to.equal('киів');
    expect(latinToCyrillic('diye')).to.equal('діє');
    expect(latinToCyrillic('shcho')).to.equal('що');
    expect(latinToCyrillic('zhovtyi')).to.equal('жовтий');
    expect(latinToCyrillic('recepty')).to.equal('рецепти');
    expect(latinToCyrillic('dii')).to.equal('дії');
    expect(latinToCyrillic('diie')).to.equal('діє');
    expect(latinToCyrillic('mariia')).to.equal('марія');
  });

  it('rewrites only words the classifier would know, and nothing in a message with a known English word', () => {
    const known = new Set(['prescription', 'stop', 'my']);
    const recognised = (word: string) => ['рецепти', 'код'].includes(word);
    expect(transliterateTokens(['moi', 'retsepty', 'kod'], known, recognised)).to.deep.equal(['moi', 'рецепти', 'код']);
    expect(transliterateTokens(['stop', 'retsepty'], known, recognised)).to.deep.equal(['stop', 'retsepty']);
    // Two-letter words are both languages: they decide nothing and stay as they are.
    expect(transliterateTokens(['my', 'retsepty'], known, recognised)).to.deep.equal(['my', 'рецепти']);
    expect(transliterateTokens(['мої', 'рецепти'], known, recognised)).to.deep.equal(['мої', 'рецепти']);
  });
});
