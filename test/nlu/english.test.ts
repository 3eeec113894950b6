import { expect } from 'chai';
import { foldEnglishWord } from '../../src/nlu/english';

describe('nlu/english', () => {
  it('folds plurals and verb endings so singular and plural meet', () => {
    expect(foldEnglishWord('prescriptions')).to.equal(foldEnglishWord('prescription'));
    expect(foldEnglishWord('referrals')).to.equal('referral');
    expect(foldEnglishWord('codes')).to.equal('code');
    expect(foldEnglishWord('pharmacies')).to.equal('pharmacy');
    for (const word of ['expire', 'expires', 'expired', 'expiring', 'expiry', 'expiration']) {
      expect(foldEnglishWord(word), word).to.equal('expir');
    }
  });

  it('leaves Cyrillic words and short or non-plural words alone', () => {
    for (const word of ['рецептів', 'is', 'does', 'sms', 'this', 'my', 'news']) {
      expect(foldEnglishWord(word), word).to.equal(word);
    }
  });
});
